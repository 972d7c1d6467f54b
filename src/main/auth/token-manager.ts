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
  providerName = 'The provider',
): StoredTokens {
  const refresh = grant.refresh_token ?? previous?.refresh_token
  if (!refresh)
    throw new AppError(
      'provider_error',
      `${providerName} gave no refresh token (offline access); check the Authorization URL Options.`,
    )
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
  /** Called when Dropbox says the app lacks a permission (`scope`) it needs. */
  onMissingPermission: (scope: string) => Promise<void>
  now?: () => number
}

/**
 * Hands out a valid access token for one connection. Refreshes are single-flight, so parallel
 * uploads that all find the token stale cause one request to the token endpoint, not a stampede.
 *
 * The secret store is the one truth shared by every process on FTB_HOME: a reconnect (here, or
 * in the app while a `watch` runs) replaces the tokens there. So the store is read again before
 * every refresh and before any verdict that the sign-in is dead; only what is cached for a token
 * that is still fresh is taken from memory.
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
    if (!this.isDue(tokens)) return tokens.access_token
    return this.refreshOnce()
  }

  /** After a 401 expired_access_token: renew, unless another caller already has. */
  async renewAfterRejection(rejected: string): Promise<string> {
    // Another process (the app, a CLI command) may have renewed it already: read it afresh.
    const tokens = await this.reload()
    if (tokens.access_token !== rejected) return tokens.access_token
    return this.refreshOnce(rejected)
  }

  /** Dropbox refused even a renewed token; a sign-in stored since then still counts. */
  async markRevoked(rejected: string): Promise<void> {
    if (await this.isCurrent(rejected)) await this.options.onRevoked()
  }

  async markMissingPermission(rejected: string, scope: string): Promise<void> {
    if (await this.isCurrent(rejected)) await this.options.onMissingPermission(scope)
  }

  /** New tokens were stored for this connection (a reconnect): stop using the cached ones. */
  forget(): void {
    this.cached = undefined
  }

  private refreshOnce(rejected?: string): Promise<string> {
    this.refreshing ??= this.refresh(rejected).finally(() => (this.refreshing = undefined))
    return this.refreshing
  }

  private async refresh(rejected: string | undefined): Promise<string> {
    let tokens = await this.reload()
    for (let retried = false; ; retried = true) {
      // Renewed or reconnected by another process meanwhile: nothing to ask Dropbox for.
      if (tokens.access_token !== rejected && !this.isDue(tokens)) return tokens.access_token
      try {
        return await this.renew(tokens)
      } catch (error) {
        if (!isAppError(error, 'needs_reauth')) throw error
        // A reconnect may have stored a new sign-in while the old one was being refused.
        const stored = await this.reload()
        if (retried || stored.refresh_token === tokens.refresh_token) {
          await this.options.onRevoked()
          throw error
        }
        tokens = stored
      }
    }
  }

  private async renew(tokens: StoredTokens): Promise<string> {
    const grant = await this.options.provider.refresh(tokens.refresh_token)
    const next = tokensFromGrant(grant, this.now(), tokens)
    // A reconnect that landed during the request wins over a renewal of the sign-in it replaced.
    const stored = await this.reload()
    if (stored.refresh_token !== tokens.refresh_token) return stored.access_token
    await this.options.secrets.set(this.options.connectionId, JSON.stringify(next))
    this.cached = next
    return next.access_token
  }

  private isDue(tokens: StoredTokens): boolean {
    return tokens.expires_at - this.now() <= REFRESH_MARGIN_MS
  }

  /** True while `accessToken` is still the stored one: no sign-in replaced it meanwhile. */
  private async isCurrent(accessToken: string): Promise<boolean> {
    return (await this.reload()).access_token === accessToken
  }

  private reload(): Promise<StoredTokens> {
    this.cached = undefined
    return this.load()
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
