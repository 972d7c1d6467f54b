import type { Reply } from './reply.ts'
import type { EmulatorState, RouteHandler } from './route-context.ts'
import type { TokenAccessType } from './token-store.ts'
import { authorizeErrorPage, codePage, deniedPage } from './oauth-pages.ts'

/**
 * The user scopes the emulator knows (a subset of Dropbox's). By default the emulated app has
 * all of them ticked on its App Console Permissions tab; `appScopes` narrows that.
 */
export const APP_SCOPES: readonly string[] = [
  'account_info.read',
  'files.content.read',
  'files.content.write',
  'files.metadata.read',
  'files.metadata.write',
]

/** Verbatim from Dropbox's error page (dropbox-sdk-python#203). */
export const INVALID_REDIRECT_URI =
  "Invalid redirect_uri. It must exactly match one of the redirect URIs you've pre-configured for your app (including the path)."

const DENIED_DESCRIPTION = 'The user chose not to give your app access to their Dropbox account.'
const MAX_STATE_BYTES = 500
// S256 challenge = base64url-nopad of a 32-byte digest: always 43 characters (RFC 7636 §4.2).
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/
const TOKEN_ACCESS_TYPES: readonly string[] = ['online', 'offline', 'legacy']

interface ValidAuthorize {
  redirectUri: string | undefined
  codeChallenge: string
  tokenAccessType: TokenAccessType
  scopes: string[]
  state: string | undefined
}

function validate(state: EmulatorState, params: URLSearchParams): ValidAuthorize | string {
  for (const key of new Set(params.keys())) {
    if (params.getAll(key).length > 1) return `Parameter "${key}" was given more than once.`
  }
  const clientId = params.get('client_id')
  if (clientId === null) return 'Missing client_id.'
  if (clientId !== state.appKey) return 'Invalid client_id.'
  const redirectUri = params.get('redirect_uri') ?? undefined
  if (redirectUri !== undefined && !state.redirectUris.includes(redirectUri)) {
    return INVALID_REDIRECT_URI
  }
  if (params.get('response_type') !== 'code') return 'response_type must be "code".'
  const codeChallenge = params.get('code_challenge')
  if (codeChallenge === null)
    return 'Missing code_challenge: this app has no secret, so PKCE is required.'
  if (!S256_CHALLENGE.test(codeChallenge)) return 'Invalid code_challenge.'
  if (params.get('code_challenge_method') !== 'S256') return 'code_challenge_method must be "S256".'
  const tokenAccessType = params.get('token_access_type') ?? 'online'
  if (!TOKEN_ACCESS_TYPES.includes(tokenAccessType)) return 'Invalid token_access_type.'
  const csrfState = params.get('state') ?? undefined
  if (csrfState !== undefined && Buffer.byteLength(csrfState) > MAX_STATE_BYTES) {
    return `state must be at most ${MAX_STATE_BYTES} bytes.`
  }
  const scope = params.get('scope')
  const asked = scope === null ? [...APP_SCOPES] : [...new Set(scope.split(' '))]
  const unknown = asked.filter((item) => !APP_SCOPES.includes(item))
  if (unknown.length > 0) return `Invalid scope: ${unknown.map((item) => `"${item}"`).join(', ')}.`
  // `scope` lets the user grant a subset of what the app's Permissions tab has ticked, never more.
  const scopes = asked.filter((item) => state.appScopes.includes(item))
  const granted = params.get('include_granted_scopes')
  if (granted !== null && granted !== 'user') return 'include_granted_scopes must be "user".'
  return {
    redirectUri,
    codeChallenge,
    tokenAccessType: tokenAccessType as TokenAccessType,
    scopes: scopes.sort(),
    state: csrfState,
  }
}

/** Appends query parameters, keeping the URI's own query and fragment byte for byte. */
export function withQuery(uri: string, pairs: Record<string, string | undefined>): string {
  const hashAt = uri.indexOf('#')
  const base = hashAt === -1 ? uri : uri.slice(0, hashAt)
  const fragment = hashAt === -1 ? '' : uri.slice(hashAt)
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(pairs))
    if (value !== undefined) query.append(key, value)
  const separator = !base.includes('?') ? '?' : /[?&]$/.test(base) ? '' : '&'
  return `${base}${separator}${query.toString()}${fragment}`
}

function redirect(location: string): Reply {
  return { status: 302, headers: { location, 'cache-control': 'no-store' }, body: '' }
}

/** GET /oauth2/authorize, auto-approving as the signed-in user would. */
export const authorizeRoute: RouteHandler = async (state, ctx) => {
  const params = ctx.url.searchParams
  state.lastAuthorizeParams = new URLSearchParams(params)
  const valid = validate(state, params)
  if (typeof valid === 'string') return authorizeErrorPage(valid)

  if (state.denyNextAuthorization) {
    state.denyNextAuthorization = false
    if (valid.redirectUri === undefined) return deniedPage()
    return redirect(
      withQuery(valid.redirectUri, {
        error: 'access_denied',
        error_description: DENIED_DESCRIPTION,
        state: valid.state,
      }),
    )
  }

  const code = state.tokens.issueCode({
    clientId: state.appKey,
    codeChallenge: valid.codeChallenge,
    redirectUri: valid.redirectUri,
    tokenAccessType: valid.tokenAccessType,
    scopes: valid.scopes,
  })
  if (valid.redirectUri === undefined) return codePage(code)
  return redirect(withQuery(valid.redirectUri, { code, state: valid.state }))
}
