import { randomBytes } from 'node:crypto'

/** Authorization codes live 10 minutes and are single use. */
export const CODE_TTL_MS = 10 * 60 * 1000

export type TokenAccessType = 'online' | 'offline' | 'legacy'

export interface AuthorizationCode {
  code: string
  clientId: string
  codeChallenge: string
  /** The redirect_uri given at authorize, or undefined when none was given. */
  redirectUri: string | undefined
  tokenAccessType: TokenAccessType
  scopes: string[]
  issuedAt: number
  used: boolean
  /** Tokens minted from this code, revoked if the code is replayed (OAuth 2.1 §4.1.3). */
  accessTokens: string[]
  refreshToken: string | undefined
}

interface AccessToken {
  scopes: string[]
  expiresAt: number
  revoked: boolean
  forcedExpired: boolean
  refreshToken: string | undefined
}

interface RefreshToken {
  scopes: string[]
  revoked: boolean
  accessTokens: Set<string>
}

export type AccessCheck =
  | { ok: true; scopes: string[] }
  | { ok: false; tag: 'invalid_access_token' | 'expired_access_token' }

function secret(bytes: number): string {
  return randomBytes(bytes).toString('base64url')
}

/** Codes, access tokens and refresh tokens, with Dropbox's revocation cascade. */
export class TokenStore {
  private readonly codes = new Map<string, AuthorizationCode>()
  private readonly access = new Map<string, AccessToken>()
  private readonly refresh = new Map<string, RefreshToken>()
  /** The refresh token of each refresh_token grant honoured, in order (for tests). */
  readonly refreshedWith: string[] = []
  private readonly issued: string[] = []
  private readonly now: () => number
  private readonly ttlSeconds: number

  constructor(now: () => number, ttlSeconds: number) {
    this.now = now
    this.ttlSeconds = ttlSeconds
  }

  get accessTokenTtlSeconds(): number {
    return this.ttlSeconds
  }

  issueCode(
    fields: Omit<AuthorizationCode, 'code' | 'issuedAt' | 'used' | 'accessTokens' | 'refreshToken'>,
  ): string {
    const code = secret(32)
    this.codes.set(code, {
      ...fields,
      code,
      issuedAt: this.now(),
      used: false,
      accessTokens: [],
      refreshToken: undefined,
    })
    this.issued.push(code)
    return code
  }

  findCode(code: string): AuthorizationCode | undefined {
    return this.codes.get(code)
  }

  isCodeExpired(code: AuthorizationCode): boolean {
    return this.now() - code.issuedAt > CODE_TTL_MS
  }

  /** Marks the code used and mints its tokens; a refresh token only for offline access. */
  redeemCode(code: AuthorizationCode): { accessToken: string; refreshToken: string | undefined } {
    code.used = true
    const refreshToken =
      code.tokenAccessType === 'offline' ? this.mintRefresh(code.scopes) : undefined
    const accessToken = this.mintAccess(code.scopes, refreshToken)
    code.accessTokens.push(accessToken)
    code.refreshToken = refreshToken
    return { accessToken, refreshToken }
  }

  /** A replayed code revokes everything issued from it. */
  revokeFromCode(code: AuthorizationCode): void {
    if (code.refreshToken) this.revokeRefresh(code.refreshToken)
    for (const token of code.accessTokens) this.revokeAccess(token)
  }

  refreshScopes(refreshToken: string): string[] | undefined {
    const record = this.refresh.get(refreshToken)
    return record && !record.revoked ? record.scopes : undefined
  }

  /** Mints a new access token from a live refresh token; the refresh token does not rotate. */
  mintFromRefresh(refreshToken: string, scopes: string[]): string {
    this.refreshedWith.push(refreshToken)
    return this.mintAccess(scopes, refreshToken)
  }

  check(accessToken: string): AccessCheck {
    const record = this.access.get(accessToken)
    if (!record || record.revoked) return { ok: false, tag: 'invalid_access_token' }
    if (record.forcedExpired || this.now() >= record.expiresAt) {
      return { ok: false, tag: 'expired_access_token' }
    }
    return { ok: true, scopes: record.scopes }
  }

  /** auth.stone token/revoke: the token, its refresh token and every token minted from it. */
  revokeCascade(accessToken: string): void {
    const record = this.access.get(accessToken)
    if (!record) return
    this.revokeAccess(accessToken)
    if (record.refreshToken) this.revokeRefresh(record.refreshToken)
  }

  expireAll(): void {
    for (const record of this.access.values()) record.forcedExpired = true
  }

  /** The user unlinked the app: every grant dies, including unused codes. */
  revokeAll(): void {
    for (const token of this.access.keys()) this.revokeAccess(token)
    for (const token of this.refresh.keys()) this.revokeRefresh(token)
    for (const code of this.codes.values()) code.used = true
  }

  secrets(): string[] {
    return [...this.issued]
  }

  private mintAccess(scopes: string[], refreshToken: string | undefined): string {
    // Dropbox short-lived tokens start with 'sl.'; clients must treat them as opaque anyway.
    const token = `sl.${secret(96)}`
    this.access.set(token, {
      scopes,
      expiresAt: this.now() + this.ttlSeconds * 1000,
      revoked: false,
      forcedExpired: false,
      refreshToken,
    })
    if (refreshToken) this.refresh.get(refreshToken)?.accessTokens.add(token)
    this.issued.push(token)
    return token
  }

  private mintRefresh(scopes: string[]): string {
    const token = secret(48)
    this.refresh.set(token, { scopes, revoked: false, accessTokens: new Set() })
    this.issued.push(token)
    return token
  }

  private revokeAccess(token: string): void {
    const record = this.access.get(token)
    if (record) record.revoked = true
  }

  private revokeRefresh(token: string): void {
    const record = this.refresh.get(token)
    if (!record) return
    record.revoked = true
    for (const access of record.accessTokens) this.revokeAccess(access)
  }
}
