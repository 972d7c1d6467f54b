import { fetchWithRetry, type FetchFn } from '../../net/fetch-with-retry.ts'
import type { DropboxEndpoints } from './dropbox-config.ts'
import { failureToError, readFailure } from './dropbox-errors.ts'

/** Where access tokens come from; TokenManager in the app, anything simple in tests. */
export interface AccessTokens {
  accessToken(): Promise<string>
  renewAfterRejection(rejected: string): Promise<string>
}

export interface AccountSummary {
  id: string
  name: string
  email: string
}

export interface SpaceUsage {
  used: number
  allocated: number
}

/**
 * A thin client for Dropbox's RPC routes. The official SDK is skipped on purpose (see
 * shared reference): it neither single-flights refresh nor replays after a 401, nor retries 429.
 */
export class DropboxApi {
  private readonly endpoints: DropboxEndpoints
  private readonly tokens: AccessTokens
  private readonly fetchFn: FetchFn

  constructor(endpoints: DropboxEndpoints, tokens: AccessTokens, fetchFn: FetchFn = fetch) {
    this.endpoints = endpoints
    this.tokens = tokens
    this.fetchFn = fetchFn
  }

  /** Calls an RPC route; `arg` undefined means a void route, sent with no body at all. */
  async rpc<T>(route: string, arg?: unknown, options: { idempotent?: boolean } = {}): Promise<T> {
    let token = await this.tokens.accessToken()
    for (let replayed = false; ; replayed = true) {
      const response = await fetchWithRetry(
        this.fetchFn,
        `${this.endpoints.apiUrl}/2/${route}`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            ...(arg === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: arg === undefined ? undefined : JSON.stringify(arg),
        },
        { retryNetworkErrors: options.idempotent ?? true },
      )
      if (response.ok) return JSON.parse((await response.text()) || 'null') as T
      const failure = await readFailure(response)
      if (failure.status === 401 && failure.tag === 'expired_access_token' && !replayed) {
        token = await this.tokens.renewAfterRejection(token)
        continue
      }
      throw failureToError(failure, route)
    }
  }

  async currentAccount(): Promise<AccountSummary> {
    const account = await this.rpc<{
      account_id: string
      email: string
      name: { display_name: string }
    }>('users/get_current_account')
    return { id: account.account_id, name: account.name.display_name, email: account.email }
  }

  async spaceUsage(): Promise<SpaceUsage> {
    const usage = await this.rpc<{
      used: number
      allocation: { allocated: number; used?: number }
    }>('users/get_space_usage')
    // A team allocation counts the whole team's use against the shared quota.
    return { used: usage.allocation.used ?? usage.used, allocated: usage.allocation.allocated }
  }

  /** Revokes the access token, its refresh token and every token minted from it. */
  async revoke(): Promise<void> {
    await this.rpc('auth/token/revoke', undefined, { idempotent: true })
  }
}
