import { z } from 'zod'
import { AppError, isAppError } from '../../shared/app-error.ts'
import type { SecretStore } from '../secrets/secret-store.ts'
import type { OAuthProvider, TokenGrant } from './oauth-provider.ts'

/** Renew this long before expiry, as both official Dropbox SDKs do. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000

const StoredTokens = z.object({
  refresh_token: z.string().min(1),
  access_token: z.string().min(1),
  expires_at: z.number(),
})
export type StoredTokens = z.infer<typeof StoredTokens>

export function tokensFromGrant(
  grant: TokenGrant,
  now: number,
  previous?: StoredTokens,
): StoredTokens {
  const refresh = grant.refresh_token ?? previous?.refresh_token
  if (!refresh)
    throw new AppError('provider_error', 'Dropbox gave no refresh token (offline access).')
  return {
    refresh_token: refresh,
    access_token: grant.access_token,
    expires_at: now + (grant.expires_in ?? 4 * 3600) * 1000,
  }
}

export interface TokenManagerOptions {
  connectionId: string
  secrets: SecretStore
  provider: OAuthProvider
  /** Called once when the provider refuses the refresh token (revoked or expired). */
  onRevoked: () => Promise<void>
  now?: () => number
}

/**
 * Hands out a valid access token for one connection. Refreshes are single-flight, so parallel
 * uploads that all find the token stale cause one request to the token endpoint, not a stampede.
 */
export class TokenManager {
  private readonly options: TokenManagerOptions
  private readonly now: () => number
  private refreshing: Promise<string> | undefined
  /** Kept in memory: reading the keychain for every 8 MiB chunk cost ~10 ms a request. */
  private cached: StoredTokens | undefined

  constructor(options: TokenManagerOptions) {
    this.options = options
    this.now = options.now ?? Date.now
  }

  async accessToken(): Promise<string> {
    const tokens = await this.load()
    if (tokens.expires_at - this.now() > REFRESH_MARGIN_MS) return tokens.access_token
    return this.refreshOnce()
  }

  /** After a 401 expired_access_token: renew, unless another caller already has. */
  async renewAfterRejection(rejected: string): Promise<string> {
    // Another process (the app, a CLI command) may have renewed it already: read it afresh.
    this.cached = undefined
    const tokens = await this.load()
    if (tokens.access_token !== rejected) return tokens.access_token
    return this.refreshOnce()
  }

  async markRevoked(): Promise<void> {
    await this.options.onRevoked()
  }

  private refreshOnce(): Promise<string> {
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined))
    return this.refreshing
  }

  private async refresh(): Promise<string> {
    const tokens = await this.load()
    let grant: TokenGrant
    try {
      grant = await this.options.provider.refresh(tokens.refresh_token)
    } catch (error) {
      if (isAppError(error, 'needs_reauth')) await this.options.onRevoked()
      throw error
    }
    const next = tokensFromGrant(grant, this.now(), tokens)
    await this.options.secrets.set(this.options.connectionId, JSON.stringify(next))
    this.cached = next
    return next.access_token
  }

  private async load(): Promise<StoredTokens> {
    if (this.cached) return this.cached
    const text = await this.options.secrets.get(this.options.connectionId)
    const parsed = text === null ? undefined : StoredTokens.safeParse(safeJson(text))
    if (!parsed?.success) {
      await this.options.onRevoked()
      throw new AppError('needs_reauth', 'The stored sign-in for this connection is missing.')
    }
    this.cached = parsed.data
    return parsed.data
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
