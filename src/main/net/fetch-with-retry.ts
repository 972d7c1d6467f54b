import { AppError } from '../../shared/app-error.ts'
import { askedWait, fullJitter, type Random } from './jitter.ts'
import { parseRetryAfter, retryAfterMs } from './retry-after.ts'
import type { RetryGate } from './retry-gate.ts'

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
  /** Shared by the requests to one account, so one Retry-After holds all of them back. */
  gate?: RetryGate
  /** The clock an HTTP-date Retry-After is counted from. */
  now?: () => number
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * fetch that retries 429 and 5xx (and, when safe, network errors) with exponential backoff and
 * full jitter, honouring Retry-After (never sooner; jitter only on top), and holding the gate's
 * other requests back as long. The last answer is returned as it is for the caller to map.
 */
export async function fetchWithRetry(
  fetchFn: FetchFn,
  url: string,
  init: RequestInit,
  options: RetryOptions = {},
): Promise<Response> {
  const { attempts = 5, baseDelayMs = 500, maxDelayMs = 30_000, random = Math.random } = options
  const wait = options.sleep ?? sleep
  const { gate, now = Date.now } = options
  for (let attempt = 1; ; attempt++) {
    const last = attempt >= attempts
    const backoff = fullJitter(Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)), random)
    const held = gate?.remaining() ?? 0
    // Spread over the first half-second after the gate opens, not all on its tick.
    if (held > 0) await wait(askedWait(held, random))
    let response: Response
    try {
      response = await fetchFn(url, init)
    } catch (error) {
      if (init.signal?.aborted) throw error
      if (last || !options.retryNetworkErrors) {
        throw new AppError('network', `Cannot reach ${new URL(url).host}.`, { cause: error })
      }
      await wait(backoff)
      continue
    }
    if (response.status !== 429 && response.status < 500) return response
    if (last) {
      // The caller reads the body; the header alone still holds this account's other requests.
      const asked = parseRetryAfter(response.headers.get('retry-after'), now())
      if (asked !== undefined) gate?.holdFor(asked)
      return response
    }
    const retryAfter = retryAfterMs(response.headers, await response.text().catch(() => ''), now())
    if (retryAfter === undefined) {
      await wait(backoff)
      continue
    }
    gate?.holdFor(retryAfter)
    await wait(askedWait(retryAfter, random))
  }
}
