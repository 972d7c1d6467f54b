import { createHash } from 'node:crypto'
import { jsonReply, type Reply } from './reply.ts'
import { readSmallBody } from './request-body.ts'
import type { EmulatorState, RouteHandler } from './route-context.ts'

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' }
// RFC 7636 §4.1: 43-128 characters of the unreserved set.
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/
const FORM = 'application/x-www-form-urlencoded'

/** RFC 6749 §5.2 error body; Dropbox answers these with 400. */
function oauthError(error: string, description: string): Reply {
  return jsonReply(400, { error, error_description: description }, NO_STORE)
}

function isForm(contentType: string | undefined): boolean {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase()
  return mediaType === FORM
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url')
}

type Params = Map<string, string>

/** Parses the form; every parameter at most once (RFC 6749 §3.2). */
function parseForm(body: Buffer): Params | Reply {
  const form = new URLSearchParams(body.toString('utf8'))
  const params: Params = new Map()
  for (const [key, value] of form) {
    if (params.has(key))
      return oauthError('invalid_request', `Parameter "${key}" was given more than once.`)
    params.set(key, value)
  }
  return params
}

function requireParams(params: Params, names: string[]): Reply | undefined {
  const missing = names.filter((name) => !params.get(name))
  if (missing.length === 0) return undefined
  return oauthError('invalid_request', `Missing parameter(s): ${missing.join(', ')}.`)
}

/** Public client: any client authentication (secret or Basic) is wrong, there is no secret. */
function checkClient(
  state: EmulatorState,
  params: Params,
  authorization: string | undefined,
): Reply | undefined {
  const clientId = params.get('client_id')
  if (!clientId) return oauthError('invalid_request', 'Missing parameter(s): client_id.')
  if (clientId !== state.appKey) return oauthError('invalid_client', 'Invalid client_id.')
  if (params.has('client_secret') || authorization !== undefined) {
    return oauthError('invalid_client', 'Invalid client credentials.')
  }
  return undefined
}

function exchangeCode(state: EmulatorState, params: Params): Reply {
  const missing = requireParams(params, ['code', 'client_id', 'code_verifier'])
  if (missing) return missing
  const verifier = params.get('code_verifier') ?? ''
  if (!VERIFIER.test(verifier)) {
    return oauthError(
      'invalid_request',
      'code_verifier must be 43-128 characters of [A-Za-z0-9-._~].',
    )
  }
  const code = state.tokens.findCode(params.get('code') ?? '')
  if (!code || code.clientId !== params.get('client_id') || state.tokens.isCodeExpired(code)) {
    return oauthError('invalid_grant', "code doesn't exist or has expired")
  }
  if (code.used) {
    state.tokens.revokeFromCode(code)
    return oauthError('invalid_grant', 'code has already been used')
  }
  // The same redirect_uri as at authorize, or none iff none was given (RFC 6749 §4.1.3).
  if (params.get('redirect_uri') !== code.redirectUri) {
    return oauthError('invalid_grant', 'redirect_uri mismatch')
  }
  if (s256(verifier) !== code.codeChallenge) {
    return oauthError('invalid_grant', 'invalid code verifier')
  }
  const { accessToken, refreshToken } = state.tokens.redeemCode(code)
  return jsonReply(
    200,
    {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: state.tokens.accessTokenTtlSeconds,
      ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
      scope: code.scopes.join(' '),
      uid: state.account.uid,
      account_id: state.account.accountId,
    },
    NO_STORE,
  )
}

/** The response carries no refresh_token: Dropbox refresh tokens do not rotate. */
function refreshAccess(state: EmulatorState, params: Params): Reply {
  const missing = requireParams(params, ['refresh_token', 'client_id'])
  if (missing) return missing
  const refreshToken = params.get('refresh_token') ?? ''
  const granted = state.tokens.refreshScopes(refreshToken)
  if (!granted) return oauthError('invalid_grant', 'refresh token is invalid or revoked')
  const asked = params.get('scope')
  let scopes = granted
  if (asked !== undefined) {
    scopes = [...new Set(asked.split(' '))].sort()
    if (scopes.some((scope) => !granted.includes(scope))) {
      return oauthError('invalid_scope', 'scope must be a subset of the scopes originally granted')
    }
  }
  return jsonReply(
    200,
    {
      access_token: state.tokens.mintFromRefresh(refreshToken, scopes),
      token_type: 'bearer',
      expires_in: state.tokens.accessTokenTtlSeconds,
    },
    NO_STORE,
  )
}

/** POST /oauth2/token. */
export const tokenRoute: RouteHandler = async (state, ctx) => {
  const body = await readSmallBody(ctx, 64 * 1024)
  if (!isForm(ctx.req.headers['content-type'])) {
    return oauthError('invalid_request', `Content-Type must be ${FORM}.`)
  }
  // Secrets in the URL end up in logs; RFC 6749 §4.1.3 puts them in the entity body.
  if (ctx.url.search !== '')
    return oauthError('invalid_request', 'Send parameters in the request body, not the URL.')
  if (body === undefined) return oauthError('invalid_request', 'Request body too large.')
  const params = parseForm(body)
  if (!(params instanceof Map)) return params
  const grantType = params.get('grant_type')
  if (!grantType) return oauthError('invalid_request', 'Missing parameter(s): grant_type.')
  if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
    return oauthError('unsupported_grant_type', `grant_type "${grantType}" is not supported.`)
  }
  const clientProblem = checkClient(state, params, ctx.req.headers.authorization)
  if (clientProblem) return clientProblem
  return grantType === 'authorization_code'
    ? exchangeCode(state, params)
    : refreshAccess(state, params)
}
