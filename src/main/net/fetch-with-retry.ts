import { AppError, isAppError } from '../../shared/app-error.ts'
import { askedWait, fullJitter, type Random } from './jitter.ts'

export type FetchFn = typeof fetch

export interface RetryOptions {
  /** Total tries, the first included. */
  attempts?: number
  baseDelayMs?: number
  maxDelayMs?: number
  /** Only for requests that are safe to send twice: a lost answer may mean it was applied. */
  retryNetworkErrors?: boolean
  sleep?: (ms: number) => Promise<void>
  random?: Random
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * fetch that retries 429 and 5xx (and, when safe, network errors) with exponential backoff and
 * full jitter, honouring Retry-After. The last answer is returned as it is for the caller to map.
 */
export async function fetchWithRetry(
  fetchFn: FetchFn,
  url: string,
  init: RequestInit,
  options: RetryOptions = {},
): Promise<Response> {
  const { attempts = 5, baseDelayMs = 500, maxDelayMs = 30_000, random = Math.random } = options
  const wait = options.sleep ?? sleep
  for (let attempt = 1; ; attempt++) {
    const last = attempt >= attempts
    const backoff = fullJitter(Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)), random)
    let response: Response
    try {
      response = await fetchFn(url, init)
    } catch (error) {
      if (init.signal?.aborted) throw error
      if (last || !options.retryNetworkErrors) {
        throw cannotReach(url, error)
      }
      await wait(backoff)
      continue
    }
    if (last || (response.status !== 429 && response.status < 500)) return response
    const retryAfter = retryAfterMs(response.headers, await response.text().catch(() => ''))
    await wait(retryAfter === undefined ? backoff : askedWait(retryAfter, random))
  }
}

/**
 * A request to `url` that got no answer, as the error to show: the transport's own AppError when
 * it has one (a proxy that refused names the proxy), else `network` naming the server.
 */
export function cannotReach(url: string, error: unknown): AppError {
  if (isAppError(error)) return error
  return new AppError('network', `Cannot reach ${new URL(url).host}.`, { cause: error })
}

/** Dropbox sends Retry-After in seconds, and also `retry_after` in a JSON 429 body. */
export function retryAfterMs(headers: Headers, text: string): number | undefined {
  const header = Number(headers.get('retry-after'))
  if (Number.isFinite(header) && header > 0) return header * 1000
  try {
    const seconds = (JSON.parse(text) as { error?: { retry_after?: unknown } }).error?.retry_after
    return typeof seconds === 'number' && seconds > 0 ? seconds * 1000 : undefined
  } catch {
    return undefined
  }
}
