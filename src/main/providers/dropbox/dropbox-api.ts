import { AppError } from '../../../shared/app-error.ts'
import { fetchWithRetry, type FetchFn } from '../../net/fetch-with-retry.ts'
import { httpFetch } from '../../net/http-fetch.ts'
import { RetryGate } from '../../net/retry-gate.ts'
import type { DropboxEndpoints } from './dropbox-config.ts'
import type { AccessTokens, AccountSummary, SpaceUsage } from '../provider.ts'
import {
  failureToError,
  missingScopeOf,
  readFailure,
  type DropboxFailure,
} from './dropbox-errors.ts'
import { headerSafeJson } from './header-safe-json.ts'
import { rangeFrom } from '../ranged-download.ts'

export type { AccessTokens, AccountSummary, SpaceUsage }

/** An RPC or upload route's result: JSON, or nothing at all for a Void result. */
async function readJson<T>(response: Response): Promise<T> {
  return JSON.parse((await response.text()) || 'null') as T
}

/**
 * A content download's answer: the route's result and the file's bytes, or, for a 416 (the
 * offset was the file's end), neither; with what the status and Content-Range said.
 */
export type DownloadAnswer<T> =
  | { result: T; body: ReadableStream<Uint8Array>; status: number; contentRange: string | null }
  | { result: undefined; body: null; status: number; contentRange: string | null }

/** A route's own error (HTTP 409) comes back as a value: callers branch on its tags. */
export type RouteOutcome<T> = { ok: true; value: T } | { ok: false; failure: DropboxFailure }

export interface CallOptions {
  signal?: AbortSignal
  /** Waits between retries (429, 5xx, lost connections); may throw to stop retrying. */
  sleep?: (ms: number) => Promise<void>
  /** Only for requests that are safe to send twice: a lost answer may mean it was applied. */
  idempotent?: boolean
}

/**
 * A thin client for Dropbox's RPC routes. The official SDK is skipped on purpose (see
 * shared reference): it neither single-flights refresh nor replays after a 401, nor retries 429.
 */
export class DropboxApi {
  private readonly endpoints: DropboxEndpoints
  private readonly tokens: AccessTokens
  private readonly fetchFn: FetchFn
  /** For content uploads: httpFetch sends the chunk buffer without fetch's copy of it. */
  private readonly uploadFn: FetchFn
  /** Dropbox's Retry-After is for the whole account: every upload of this connection waits. */
  private readonly gate: RetryGate

  /**
   * `uploadFetch` (ProviderContext.uploadFetch) carries content uploads; without it, `fetchFn`
   * when given (tests) carries every request, uploads included. `now` is the gate's clock.
   */
  constructor(
    endpoints: DropboxEndpoints,
    tokens: AccessTokens,
    fetchFn?: FetchFn,
    uploadFetch?: FetchFn,
    now?: () => number,
  ) {
    this.endpoints = endpoints
    this.tokens = tokens
    this.fetchFn = fetchFn ?? fetch
    this.uploadFn = uploadFetch ?? fetchFn ?? httpFetch
    this.gate = new RetryGate(now)
  }

  /** Calls an RPC route; `arg` undefined means a void route, sent with no body at all. */
  async rpc<T>(route: string, arg?: unknown, options: CallOptions = {}): Promise<T> {
    const outcome = await this.call<T>(route, arg, options)
    if (outcome.ok) return outcome.value
    throw failureToError(outcome.failure, route)
  }

  /** An RPC route whose 409 answers are returned, e.g. files/get_metadata's path/not_found. */
  call<T>(route: string, arg?: unknown, options: CallOptions = {}): Promise<RouteOutcome<T>> {
    return this.send<T>(
      false,
      `${this.endpoints.apiUrl}/2/${route}`,
      route,
      (token) => ({
        authorization: `Bearer ${token}`,
        ...(arg === undefined ? {} : { 'content-type': 'application/json' }),
      }),
      arg === undefined ? undefined : JSON.stringify(arg),
      options,
    )
  }

  /**
   * A content-download route (files/download): the arguments in Dropbox-API-Arg, no body; the
   * result comes as JSON in the Dropbox-API-Result header and the response body is the file
   * (HTTP docs "Content-download endpoints"). 409 answers are returned; the caller reads `body`.
   * From `offset` > 0 it asks only for the rest with a Range header, which these routes honour:
   * the answer's status and Content-Range say what came, and a 416 (nothing left) is returned too.
   */
  download<T>(
    route: string,
    arg: unknown,
    options: CallOptions & { offset?: number } = {},
  ): Promise<RouteOutcome<DownloadAnswer<T>>> {
    const offset = options.offset ?? 0
    return this.send(
      false,
      `${this.endpoints.contentUrl}/2/${route}`,
      route,
      (token) => ({
        authorization: `Bearer ${token}`,
        'dropbox-api-arg': headerSafeJson(arg),
        ...rangeFrom(offset),
      }),
      undefined,
      { ...options, accept: offset > 0 ? [416] : [] },
      async (response) => {
        const header = response.headers.get('dropbox-api-result')
        const range = {
          status: response.status,
          contentRange: response.headers.get('content-range'),
        }
        if (response.status === 416) {
          await response.body?.cancel()
          return { result: undefined, body: null, ...range }
        }
        if (header === null || response.body === null) {
          await response.body?.cancel()
          throw new AppError('provider_error', `Dropbox answered ${route} without its result.`)
        }
        return { result: JSON.parse(header) as T, body: response.body, ...range }
      },
    )
  }

  /**
   * A content-upload route: raw bytes in the body, arguments as header-safe JSON in
   * Dropbox-API-Arg (HTTP docs "Content-upload endpoints"). 409 answers are returned. The body
   * is no longer read once the promise settles: the caller may then reuse its buffer.
   */
  upload<T>(
    route: string,
    arg: unknown,
    body: Uint8Array,
    options: CallOptions = {},
  ): Promise<RouteOutcome<T>> {
    return this.send<T>(
      true,
      `${this.endpoints.contentUrl}/2/${route}`,
      route,
      (token) => ({
        authorization: `Bearer ${token}`,
        'content-type': 'application/octet-stream',
        'dropbox-api-arg': headerSafeJson(arg),
      }),
      body,
      options,
    )
  }

  /** One request, retried on 429/5xx, replayed once with a renewed token after 401 expired. */
  private async send<T>(
    upload: boolean,
    url: string,
    route: string,
    headers: (token: string) => Record<string, string>,
    body: string | Uint8Array | undefined,
    options: CallOptions & { accept?: number[] },
    read: (response: Response) => Promise<T> = readJson,
  ): Promise<RouteOutcome<T>> {
    let token = await this.tokens.accessToken()
    for (let replayed = false; ; replayed = true) {
      const response = await fetchWithRetry(
        upload ? this.uploadFn : this.fetchFn,
        url,
        { method: 'POST', headers: headers(token), body, signal: options.signal },
        { retryNetworkErrors: options.idempotent ?? true, sleep: options.sleep, gate: this.gate },
      )
      if (response.ok || options.accept?.includes(response.status))
        return { ok: true, value: await read(response) }
      const failure = await readFailure(response)
      const missingScope = missingScopeOf(failure)
      if (missingScope !== undefined) {
        // No renewal can help: the token lacks the permission. Retrying would only storm Dropbox.
        await this.tokens.markMissingPermission(token, missingScope)
        throw failureToError(failure, route)
      }
      // An expired (or revoked) access token gets one renewal and one replay; a revoked grant
      // then fails the renewal itself with needs_reauth.
      const auth = failure.status === 401
      if (auth && !replayed) {
        token = await this.tokens.renewAfterRejection(token)
        continue
      }
      if (auth) await this.tokens.markRevoked(token)
      if (failure.status === 409) return { ok: false, failure }
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
