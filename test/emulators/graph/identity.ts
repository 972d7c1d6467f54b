import { createHash, randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { json, oauthError, readBody, type Reply } from './http-reply.ts'

/** The delegated scopes this emulator knows; OpenID ones are granted beside them. */
export const KNOWN_SCOPES = [
  'Files.ReadWrite.AppFolder',
  'User.Read',
  'offline_access',
  'openid',
  'profile',
  'email',
]
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/

interface Code {
  challenge: string
  redirectUri: string
  scopes: string[]
  used: boolean
}

interface Grant {
  scopes: string[]
  expiresAt: number
}

/**
 * The Microsoft identity platform's v2.0 endpoints for a public client ("Mobile and desktop
 * applications"): authorization code with PKCE S256 (required, as the app has no secret),
 * loopback redirects matched without their port, and refresh tokens that rotate: each refresh
 * gives a new one, and the one used is refused afterwards with invalid_grant.
 */
export class Identity {
  private readonly codes = new Map<string, Code>()
  private readonly access = new Map<string, Grant>()
  private readonly refresh = new Map<string, string[]>()
  /** Refresh grants seen, for tests: rotation means each token is used at most once. */
  readonly refreshed: string[] = []

  private readonly clientId: string
  private readonly redirectUris: readonly string[]
  private readonly accessTtlMs: () => number

  constructor(clientId: string, redirectUris: readonly string[], accessTtlMs: () => number) {
    this.clientId = clientId
    this.redirectUris = redirectUris
    this.accessTtlMs = accessTtlMs
  }

  authorize(url: URL): Reply {
    const params = url.searchParams
    if (params.get('client_id') !== this.clientId)
      return page(
        400,
        `AADSTS700016: Application with identifier '${params.get('client_id')}' was not found in the directory.`,
      )
    const redirectUri = params.get('redirect_uri') ?? ''
    if (!this.redirectAllowed(redirectUri))
      return page(
        400,
        `AADSTS50011: The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application.`,
      )
    const back = (query: Record<string, string>) => {
      const target = new URL(redirectUri)
      for (const [k, v] of Object.entries(query)) target.searchParams.set(k, v)
      const state = params.get('state')
      if (state !== null) target.searchParams.set('state', state)
      return { status: 302, headers: { location: target.href }, body: '' }
    }
    if (params.get('response_type') !== 'code')
      return back({
        error: 'unsupported_response_type',
        error_description: 'AADSTS70005: response_type must be code.',
      })
    const challenge = params.get('code_challenge') ?? ''
    if (params.get('code_challenge_method') !== 'S256' || !S256_CHALLENGE.test(challenge))
      return back({
        error: 'invalid_request',
        error_description:
          'AADSTS9002325: Proof Key for Code Exchange is required for cross-origin authorization code redemption.',
      })
    const scopes = (params.get('scope') ?? '').split(' ').filter(Boolean)
    const unknown = scopes.filter((s) => !KNOWN_SCOPES.includes(s))
    if (scopes.length === 0 || unknown.length > 0)
      return back({
        error: 'invalid_scope',
        error_description: `AADSTS70011: The provided value for the input parameter 'scope' is not valid: ${unknown.join(' ')}`,
      })
    const code = token('code')
    this.codes.set(code, { challenge, redirectUri, scopes, used: false })
    return back({ code })
  }

  async token(req: IncomingMessage): Promise<Reply> {
    if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded'))
      return oauthError(
        400,
        'invalid_request',
        'AADSTS900144: The request body must contain the following parameter: grant_type.',
      )
    const form = new URLSearchParams((await readBody(req)).toString())
    if (form.get('client_id') !== this.clientId)
      return oauthError(
        400,
        'unauthorized_client',
        'AADSTS700016: Application not found in the directory.',
      )
    if (form.has('client_secret'))
      return oauthError(
        401,
        'invalid_client',
        'AADSTS700025: Client is public so neither client_assertion nor client_secret should be presented.',
      )
    const grant = form.get('grant_type')
    if (grant === 'authorization_code') return this.redeem(form)
    if (grant === 'refresh_token') return this.renew(form)
    return oauthError(
      400,
      'unsupported_grant_type',
      'AADSTS70003: The app requested an unsupported grant type.',
    )
  }

  /** The scopes a bearer token carries, or undefined when it is unknown or expired. */
  scopesOf(authorization: string | undefined, now: number): string[] | undefined {
    const match = /^Bearer (\S+)$/.exec(authorization ?? '')
    const grant = match ? this.access.get(match[1]!) : undefined
    return grant && grant.expiresAt > now ? grant.scopes : undefined
  }

  /** As a user removing the app's permissions: every token stops working. */
  revokeAll(): void {
    this.access.clear()
    this.refresh.clear()
  }

  /** Every access token expires now (refresh tokens stay good). */
  expireAccessTokens(): void {
    for (const grant of this.access.values()) grant.expiresAt = 0
  }

  private redeem(form: URLSearchParams): Reply {
    const code = this.codes.get(form.get('code') ?? '')
    if (!code || code.used)
      return oauthError(
        400,
        'invalid_grant',
        'AADSTS70008: The provided authorization code or refresh token has expired or was already redeemed.',
      )
    code.used = true
    if (form.get('redirect_uri') !== code.redirectUri)
      return oauthError(
        400,
        'invalid_grant',
        'AADSTS50148: The redirect_uri does not match the one used in the authorization request.',
      )
    const verifier = form.get('code_verifier') ?? ''
    const computed = createHash('sha256').update(verifier).digest('base64url')
    if (computed !== code.challenge)
      return oauthError(
        400,
        'invalid_grant',
        'AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.',
      )
    return this.issue(code.scopes)
  }

  private renew(form: URLSearchParams): Reply {
    const old = form.get('refresh_token') ?? ''
    const scopes = this.refresh.get(old)
    if (!scopes)
      return oauthError(
        400,
        'invalid_grant',
        'AADSTS70000: The provided grant has expired due to it being revoked, or it was already used.',
      )
    // Microsoft's reference marks `scope` required here, yet a refresh without one gets the
    // scopes first granted (for Graph, the default resource), which clients such as rclone's
    // rely on; with one, it must be within the grant.
    const asked = form.get('scope')?.split(' ').filter(Boolean)
    if (asked?.some((s) => !scopes.includes(s)))
      return oauthError(
        400,
        'invalid_grant',
        'AADSTS65001: The user or administrator has not consented to use the application for the scopes requested.',
      )
    // Rotation: the token just used is spent.
    this.refresh.delete(old)
    this.refreshed.push(old)
    return this.issue(asked ?? scopes)
  }

  private issue(scopes: string[]): Reply {
    const accessToken = token('at')
    const ttl = this.accessTtlMs()
    this.access.set(accessToken, { scopes, expiresAt: Date.now() + ttl })
    const body: Record<string, unknown> = {
      token_type: 'Bearer',
      scope: scopes.filter((s) => s !== 'offline_access').join(' '),
      expires_in: Math.round(ttl / 1000),
      ext_expires_in: Math.round(ttl / 1000),
      access_token: accessToken,
    }
    if (scopes.includes('offline_access')) {
      body.refresh_token = token('rt')
      this.refresh.set(body.refresh_token as string, scopes)
    }
    return json(200, body, { 'cache-control': 'no-store' })
  }

  /** Exact match, except that a loopback http URI matches at any port (Microsoft's rule). */
  private redirectAllowed(uri: string): boolean {
    if (this.redirectUris.includes(uri)) return true
    let url: URL
    try {
      url = new URL(uri)
    } catch {
      return false
    }
    if (url.protocol !== 'http:' || !['127.0.0.1', 'localhost'].includes(url.hostname)) return false
    url.port = ''
    return this.redirectUris.includes(url.href)
  }
}

function token(prefix: string): string {
  return `${prefix}.${randomBytes(24).toString('base64url')}`
}

function page(status: number, message: string): Reply {
  return {
    status,
    headers: { 'content-type': 'text/html' },
    body: `<html><body><p id="error">${message}</p></body></html>`,
  }
}
