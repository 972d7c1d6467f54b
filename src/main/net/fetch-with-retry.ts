import { AppError, isAppError } from '../../shared/app-error.ts'
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
 * full jitter, honouring Retry-After (never sooner; jitter only on top). With a gate, the waits
 * are the account's (see RetryGate): every request through it waits while it is closed. The last
 * answer is returned as it is for the caller to map.
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
    await waitAtGate(gate, wait, random)
    let response: Response
    try {
      response = await fetchFn(url, init)
    } catch (error) {
      if (init.signal?.aborted) {
        gate?.abandoned()
        throw error
      }
      if (last || !options.retryNetworkErrors) {
        gate?.failed(random)
        throw cannotReach(url, error)
      }
      if (gate) gate.failed(random)
      else await wait(backoff)
      continue
    }
    if (response.status !== 429 && response.status < 500) {
      gate?.passed()
      return response
    }
    if (last) {
      // The caller reads the body; the header alone still holds this account's other requests.
      const asked = parseRetryAfter(response.headers.get('retry-after'), now())
      if (asked === undefined) gate?.failed(random)
      else gate?.refused(asked, random)
      return response
    }
    const retryAfter = retryAfterMs(response.headers, await response.text().catch(() => ''), now())
    if (retryAfter === undefined) {
      if (gate) gate.failed(random)
      else await wait(backoff)
    } else if (!gate?.refused(retryAfter, random)) await wait(askedWait(retryAfter, random))
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

/** Rounds of waiting at a closed gate: a bound, so a sleep that returns at once cannot spin. */
const GATE_ROUNDS = 3

/** Waits while the gate is closed or its probe is out, rechecking after each wait. */
async function waitAtGate(
  gate: RetryGate | undefined,
  wait: (ms: number) => Promise<void>,
  random: Random,
): Promise<void> {
  for (let round = 0; gate && round < GATE_ROUNDS; round++) {
    const held = gate.waitFor(random)
    if (held === 0) return
    const before = gate.now()
    await wait(held)
    // A sleep that came back early (a test's, which only records the wait) is not taken again.
    if (gate.now() - before < held / 2) return
  }
}
