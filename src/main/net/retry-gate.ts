import { fullJitter, type Random } from './jitter.ts'

/** The widest spread a gate draws from: an install waits at most this much beyond what was asked. */
const MAX_SPREAD_MS = 60_000
/** After a 5xx with no Retry-After, the first reopening is drawn from 0 to this, then doubling. */
const OUTAGE_BASE_MS = 4000
/** Each request waiting at a gate adds up to this of its own, so peers don't leave together. */
const OWN_SPREAD_MS = 500
/**
 * Longer waits are not held here: the upload queue keeps them (durably, and shown in status) for
 * the job that was told, as it does for any wait a request may not sit through.
 */
export const MAX_HOLD_MS = 5 * 60 * 1000
/** A probe whose answer never came (its caller gave up) stops holding the others after this. */
const PROBE_TIMEOUT_MS = 30_000

/**
 * Where the requests to one account wait while its server wants them to hold off: a 429 or 503
 * with Retry-After (the limit is the account's, or the app's, not one request's), or 5xx without
 * one (an outage). One gate per connection, so an install's uploads back off as one client.
 *
 * Every install that was refused at the same moment must come back spread out, or the herd
 * returns at once and is refused again. So each consecutive refusal doubles the window the
 * reopening is drawn from, on top of what the server asked (never less than that); each answer
 * that gets through narrows it by one step again. And after a refusal one request goes first
 * (the probe), the others waiting for its answer, so an install knocks once, not once per upload.
 */
export class RetryGate {
  private openAt = 0
  /** Refusals in a row, less one for each answer that got through since. */
  private streak = 0
  /** Until when the others wait for the probe's answer; 0 when no probe is out. */
  private probeUntil = 0
  readonly now: () => number

  constructor(now: () => number = Date.now) {
    this.now = now
  }

  /**
   * The server asked for `ms` (Retry-After): at least that, plus a spread that grows. False when
   * the wait is too long to hold here (MAX_HOLD_MS): the caller waits on its own then.
   */
  refused(ms: number, random: Random = Math.random): boolean {
    if (ms > MAX_HOLD_MS) return false
    const spread = Math.min(MAX_SPREAD_MS, Math.max(500, ms / 10) * 2 ** this.streak)
    this.hold(ms + fullJitter(spread, random))
    return true
  }

  /** A 5xx or a lost connection, with no word on when to return: full jitter, doubling. */
  failed(random: Random = Math.random): void {
    this.hold(fullJitter(Math.min(MAX_SPREAD_MS, OUTAGE_BASE_MS * 2 ** this.streak), random))
  }

  /** An answer got through: the next refusal starts from a narrower spread. */
  passed(): void {
    this.streak = Math.max(0, this.streak - 1)
    this.probeUntil = 0
  }

  /** The probe went without an answer (its upload was stopped): the others need not wait. */
  abandoned(): void {
    this.probeUntil = 0
  }

  /** How long a request must still wait before it may be sent; 0 when the gate is open. */
  remaining(): number {
    return Math.max(0, this.openAt - this.now())
  }

  /**
   * What one request waits before asking again: what remains, plus a little of its own, or a
   * moment while the probe is out. 0: it may go now (and is the probe if the last answer was a
   * refusal).
   */
  waitFor(random: Random = Math.random): number {
    const own = Math.ceil(random() * OWN_SPREAD_MS)
    const left = this.remaining()
    if (left > 0) return left + own
    if (this.probeUntil > this.now()) return Math.max(1, own)
    if (this.streak > 0) this.probeUntil = this.now() + PROBE_TIMEOUT_MS
    return 0
  }

  /** A longer hold already set stands; the probe, if this was its answer, is back. */
  private hold(ms: number): void {
    this.streak += 1
    this.probeUntil = 0
    this.openAt = Math.max(this.openAt, this.now() + Math.ceil(ms))
  }
}
