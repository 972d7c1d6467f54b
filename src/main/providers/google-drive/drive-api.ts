import { fetchWithRetry, sleep, type FetchFn } from '../../net/fetch-with-retry.ts'
import { askedWait, fullJitter } from '../../net/jitter.ts'
import { RetryGate } from '../../net/retry-gate.ts'
import type { AccessTokens } from '../provider.ts'
import { failureToError, isRateLimit, readFailure } from './drive-errors.ts'
import type { GoogleEndpoints } from './google-config.ts'

export interface DriveRequest {
  method: string
  /** A path under the API origin ("/drive/v3/files"), or a whole URL (a session URI). */
  url: string
  query?: Record<string, string>
  headers?: Record<string, string>
  body?: string | Buffer
  /** Statuses the caller reads itself (308 from a session, 404 for "gone"). */
  accept?: readonly number[]
  /** Said in errors: "the folder list". */
  what: string
  /** Sends file bytes: through the upload fetch, and never again after a lost answer. */
  upload?: boolean
  signal?: AbortSignal
}

/** 403 rate limits are not retried by fetchWithRetry (it knows only 429 and 5xx). */
const RATE_LIMIT_TRIES = 4
const RATE_LIMIT_BASE_MS = 1000

/**
 * A thin client for Drive v3 over fetch. The Google Node client cannot hand back a resumable
 * session URI to keep across a restart, so the few calls are written here. Every request
 * carries the bearer token: a 401 gets one renewal and one replay, a second 401 ends the grant.
 */
export class DriveApi {
  readonly endpoints: GoogleEndpoints
  private readonly tokens: AccessTokens
  private readonly fetchFn: FetchFn
  private readonly uploadFn: FetchFn
  private readonly wait: (ms: number) => Promise<void>
  /** A Retry-After holds back every request of this account, not just the refused one. */
  private readonly gate = new RetryGate()

  constructor(options: {
    endpoints: GoogleEndpoints
    tokens: AccessTokens
    fetch: FetchFn
    uploadFetch?: FetchFn
    sleep?: (ms: number) => Promise<void>
  }) {
    this.endpoints = options.endpoints
    this.tokens = options.tokens
    this.fetchFn = options.fetch
    this.uploadFn = options.uploadFetch ?? options.fetch
    this.wait = options.sleep ?? sleep
  }

  async json<T>(request: DriveRequest): Promise<T> {
    const response = await this.send(request)
    return JSON.parse((await response.text()) || 'null') as T
  }

  /** The answer, ok or one of `accept`; anything else is thrown as an AppError. */
  async send(request: DriveRequest): Promise<Response> {
    const url = this.urlOf(request)
    let token = await this.tokens.accessToken()
    let renewed = false
    for (let rateLimited = 0; ;) {
      const response = await fetchWithRetry(
        request.upload ? this.uploadFn : this.fetchFn,
        url,
        {
          method: request.method,
          headers: { authorization: `Bearer ${token}`, ...request.headers },
          body: request.body,
          signal: request.signal,
          // A session's 308 is "resume incomplete", not a redirect to follow.
          redirect: 'manual',
        },
        { retryNetworkErrors: !request.upload, sleep: this.wait, gate: this.gate },
      )
      if (response.ok || request.accept?.includes(response.status)) return response
      const failure = await readFailure(response)
      if (failure.status === 401 && !renewed) {
        renewed = true
        token = await this.tokens.renewAfterRejection(token)
        continue
      }
      if (failure.status === 401) {
        await this.tokens.markRevoked(token)
        throw failureToError(failure, request.what)
      }
      if (isRateLimit(failure) && ++rateLimited < RATE_LIMIT_TRIES) {
        // Drive's advice for userRateLimitExceeded: exponential backoff with jitter.
        // A Retry-After holds the whole account: the next try waits at the gate with the rest.
        const asked = failure.retryAfterMs
        if (asked === undefined) await this.wait(fullJitter(RATE_LIMIT_BASE_MS * 2 ** rateLimited))
        else if (!this.gate.refused(asked)) await this.wait(askedWait(asked))
        continue
      }
      throw failureToError(failure, request.what)
    }
  }

  private urlOf(request: DriveRequest): string {
    const url = new URL(
      request.url.startsWith('/') ? this.endpoints.apiUrl + request.url : request.url,
    )
    for (const [name, value] of Object.entries(request.query ?? {}))
      url.searchParams.set(name, value)
    return url.href
  }

  /** Ends the grant at Google: the refresh token and every access token made from it. */
  async revoke(): Promise<void> {
    const token = await this.tokens.accessToken()
    const response = await fetchWithRetry(
      this.fetchFn,
      this.endpoints.revokeUrl,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }).toString(),
      },
      { retryNetworkErrors: true, sleep: this.wait },
    )
    // 400 invalid_token: already revoked or expired, which is what was asked for.
    if (!response.ok && response.status !== 400)
      throw failureToError(await readFailure(response), 'the revocation')
    await response.body?.cancel()
  }
}

/** A string for Drive's `q`: single quotes and backslashes escaped. */
export function quoted(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}
