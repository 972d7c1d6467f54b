import { rateLimitReply, serverErrorReply } from './faults.ts'
import type { Reply } from './reply.ts'

/** The app-wide rate limit: at most `requestsPerSecond` served in any one-second window. */
export interface RateLimit {
  requestsPerSecond: number
}

const WINDOW_MS = 1000

/**
 * Limits that hold for the whole app (every user and token together), as Dropbox applies them,
 * unlike the per-path FaultQueue:
 * - a rate limit: a request beyond it gets 429 too_many_requests with Retry-After (whole
 *   seconds until the window has room again, as the data ingress guide describes);
 * - an outage: 503 to every request until it ends, with no Retry-After, as a load balancer in
 *   front of a failed service answers.
 * Refused requests are not served, so they do not count against the window.
 */
export class TrafficLimits {
  private rate: RateLimit | undefined
  private outageEnds = 0
  /** When each request in the current window was served, oldest first. */
  private readonly served: number[] = []
  private readonly now: () => number

  constructor(now: () => number) {
    this.now = now
  }

  setRateLimit(limit: RateLimit | undefined): void {
    if (limit && !(Number.isInteger(limit.requestsPerSecond) && limit.requestsPerSecond > 0))
      throw new Error(
        `requestsPerSecond must be a positive integer, got ${limit.requestsPerSecond}`,
      )
    this.rate = limit
    this.served.length = 0
  }

  /** 503 to everything for `ms` from now; 0 ends an outage at once. */
  startOutage(ms: number): void {
    this.outageEnds = this.now() + ms
  }

  /** The refusal for a request arriving now, or undefined: serve it (and count it). */
  refusal(): Reply | undefined {
    const now = this.now()
    if (now < this.outageEnds) return serverErrorReply(503)
    if (!this.rate) return undefined
    while (this.served.length && this.served[0]! <= now - WINDOW_MS) this.served.shift()
    if (this.served.length < this.rate.requestsPerSecond) {
      this.served.push(now)
      return undefined
    }
    // The oldest served request leaves the window first; Retry-After is in whole seconds.
    const seconds = Math.max(1, Math.ceil((this.served[0]! + WINDOW_MS - now) / 1000))
    return rateLimitReply({ kind: 'rate_limit', retryAfter: seconds, body: 'json' })
  }
}
