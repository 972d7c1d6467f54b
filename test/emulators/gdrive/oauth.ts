import { createHash, randomBytes } from 'node:crypto'
import { json, oauthError, type Reply } from './google-error.ts'

export const DRIVE_FILE_SCOPE = 'https://www.googleapis.com/auth/drive.file'
/** Scopes the emulated consent screen knows; anything else is invalid_scope. */
const KNOWN_SCOPES = new Set([
  DRIVE_FILE_SCOPE,
  'https://www.googleapis.com/auth/drive',
  'https://www.googleapis.com/auth/drive.appdata',
  'openid',
  'email',
  'profile',
])
const CODE_LIFE_MS = 10 * 60_000
const ACCESS_LIFE_S = 3599
// S256 challenge: base64url-nopad of a SHA-256 digest, always 43 characters (RFC 7636 §4.2).
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/

/** An OAuth client registered in the Google Cloud console; "Desktop app" clients carry a secret. */
export interface OAuthClient {
  clientId: string
  clientSecret: string | null
}

interface Grant {
  clientId: string
  scopes: string[]
  refreshToken: string | null
  revoked: boolean
}

interface Code {
  grant: Grant
  redirectUri: string
  challenge: string
  expiresAt: number
  used: boolean
}

const token = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`

/**
 * Google's OAuth 2 for installed apps: authorize (the user always consents), the token endpoint
 * (authorization_code with PKCE S256, refresh_token) and revoke, which ends the whole grant.
 */
export class GoogleOAuth {
  readonly clients: OAuthClient[]
  private readonly codes = new Map<string, Code>()
  private readonly grantsByRefresh = new Map<string, Grant>()
  private readonly access = new Map<string, { grant: Grant; expiresAt: number }>()
  /** The next consent is refused by the user ("Cancel" on the consent screen). */
  denyNext = false
  /** The refresh token of each refresh_token grant honoured, in order (for tests). */
  readonly refreshedWith: string[] = []

  constructor(clients: OAuthClient[]) {
    this.clients = clients
  }

  /** GET /o/oauth2/v2/auth: a 302 back to the loopback redirect, or Google's 400 error page. */
  authorize(params: URLSearchParams): Reply {
    for (const key of new Set(params.keys()))
      if (params.getAll(key).length > 1)
        return errorPage('invalid_request', `Duplicate parameter: ${key}`)
    const client = this.clients.find((c) => c.clientId === params.get('client_id'))
    if (!client) return errorPage('invalid_client', 'The OAuth client was not found.')
    const redirectUri = params.get('redirect_uri') ?? ''
    if (!isLoopback(redirectUri))
      return errorPage('redirect_uri_mismatch', `redirect_uri=${redirectUri}`)
    const back = new URL(redirectUri)
    const state = params.get('state')
    if (state !== null) back.searchParams.set('state', state)
    const fail = (error: string) => {
      back.searchParams.set('error', error)
      return redirect(back)
    }
    if (params.get('response_type') !== 'code') return fail('unsupported_response_type')
    const challenge = params.get('code_challenge') ?? ''
    if (!S256_CHALLENGE.test(challenge) || params.get('code_challenge_method') !== 'S256')
      return fail('invalid_request')
    const scopes = (params.get('scope') ?? '').split(' ').filter(Boolean)
    if (scopes.length === 0 || scopes.some((s) => !KNOWN_SCOPES.has(s)))
      return fail('invalid_scope')
    if (this.denyNext) {
      this.denyNext = false
      return fail('access_denied')
    }
    // A refresh token only with access_type=offline (and prompt=consent, so it comes every time).
    const offline = params.get('access_type') === 'offline' && params.get('prompt') === 'consent'
    const grant: Grant = {
      clientId: client.clientId,
      scopes,
      refreshToken: offline ? token('1//') : null,
      revoked: false,
    }
    const code = token('4/')
    this.codes.set(code, {
      grant,
      redirectUri,
      challenge,
      expiresAt: Date.now() + CODE_LIFE_MS,
      used: false,
    })
    back.searchParams.set('code', code)
    back.searchParams.set('scope', scopes.join(' '))
    return redirect(back)
  }

  /** POST /token, form-encoded, the client authenticated in the body or with Basic. */
  token(form: URLSearchParams, authorization: string | undefined): Reply {
    const { clientId, clientSecret } = clientCredentials(form, authorization)
    const client = this.clients.find((c) => c.clientId === clientId)
    if (!client) return oauthError(401, 'invalid_client', 'The OAuth client was not found.')
    if (client.clientSecret !== null && clientSecret !== client.clientSecret)
      return oauthError(401, 'invalid_client', 'Unauthorized')
    const grantType = form.get('grant_type')
    if (grantType === 'authorization_code') return this.exchange(form, client)
    if (grantType === 'refresh_token') return this.refresh(form, client)
    return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`)
  }

  /** POST /revoke with token=… (access or refresh): ends the grant, every token of it. */
  revoke(form: URLSearchParams): Reply {
    const value = form.get('token') ?? ''
    const grant = this.grantsByRefresh.get(value) ?? this.access.get(value)?.grant
    if (!grant || grant.revoked) return oauthError(400, 'invalid_token', 'Token expired or revoked')
    grant.revoked = true
    return json(200, {})
  }

  /** The grant behind a bearer token, if it is live. */
  grantFor(accessToken: string): { clientId: string; scopes: string[] } | undefined {
    const entry = this.access.get(accessToken)
    if (!entry || entry.grant.revoked || entry.expiresAt <= Date.now()) return undefined
    return entry.grant
  }

  /** Every access token expires now (refresh tokens still work). */
  expireAccessTokens(): void {
    for (const entry of this.access.values()) entry.expiresAt = 0
  }

  /** As "Remove access" in the user's Google Account: every grant ends. */
  revokeAll(): void {
    for (const entry of this.access.values()) entry.grant.revoked = true
    for (const grant of this.grantsByRefresh.values()) grant.revoked = true
  }

  refreshTokenCount(): number {
    return this.grantsByRefresh.size
  }

  private exchange(form: URLSearchParams, client: OAuthClient): Reply {
    const code = this.codes.get(form.get('code') ?? '')
    if (
      !code ||
      code.used ||
      code.expiresAt <= Date.now() ||
      code.grant.clientId !== client.clientId
    )
      return oauthError(400, 'invalid_grant', 'Malformed auth code.')
    code.used = true
    if (form.get('redirect_uri') !== code.redirectUri)
      return oauthError(400, 'redirect_uri_mismatch', 'Bad Request')
    const verifier = form.get('code_verifier')
    if (!verifier) return oauthError(400, 'invalid_grant', 'Missing code verifier.')
    if (createHash('sha256').update(verifier).digest('base64url') !== code.challenge)
      return oauthError(400, 'invalid_grant', 'Invalid code verifier.')
    if (code.grant.refreshToken) this.grantsByRefresh.set(code.grant.refreshToken, code.grant)
    return json(200, {
      ...this.issue(code.grant),
      ...(code.grant.refreshToken && { refresh_token: code.grant.refreshToken }),
    })
  }

  private refresh(form: URLSearchParams, client: OAuthClient): Reply {
    const grant = this.grantsByRefresh.get(form.get('refresh_token') ?? '')
    if (!grant || grant.revoked || grant.clientId !== client.clientId)
      return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.')
    // Google does not rotate refresh tokens: the answer carries none.
    this.refreshedWith.push(form.get('refresh_token')!)
    return json(200, this.issue(grant))
  }

  private issue(grant: Grant) {
    const accessToken = token('ya29.')
    this.access.set(accessToken, { grant, expiresAt: Date.now() + ACCESS_LIFE_S * 1000 })
    return {
      access_token: accessToken,
      expires_in: ACCESS_LIFE_S,
      scope: grant.scopes.join(' '),
      token_type: 'Bearer',
    }
  }
}

/** Desktop clients redirect to the loopback interface on any port; custom schemes are refused. */
function isLoopback(uri: string): boolean {
  try {
    const url = new URL(uri)
    return (
      url.protocol === 'http:' &&
      ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname) &&
      url.port !== ''
    )
  } catch {
    return false
  }
}

function clientCredentials(form: URLSearchParams, authorization: string | undefined) {
  const basic = /^Basic (.+)$/i.exec(authorization ?? '')
  if (basic) {
    const [id, secret] = Buffer.from(basic[1]!, 'base64').toString().split(':')
    return {
      clientId: decodeURIComponent(id ?? ''),
      clientSecret: decodeURIComponent(secret ?? ''),
    }
  }
  return { clientId: form.get('client_id'), clientSecret: form.get('client_secret') }
}

function redirect(to: URL): Reply {
  return { status: 302, headers: { location: to.href }, body: '' }
}

function errorPage(error: string, detail: string): Reply {
  return {
    status: 400,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: `<!doctype html><title>Error 400: ${error}</title><h1>Access blocked: authorization error</h1><p>Error 400: ${error}</p><p>${detail.replace(/[<&]/g, '')}</p>`,
  }
}
