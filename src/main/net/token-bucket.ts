/**
 * A token bucket on an injected clock, with no timers of its own: callers ask how long to wait
 * and take tokens when they go. Written here rather than taken from npm: the packages found
 * (limiter, stream-throttle, throttle) either fix the rate per stream at creation, or hold it in
 * timers that cannot be driven by a test clock; one rate shared by every upload and changed while
 * they run is what this app needs.
 *
 * The bucket is small (1/20 s of the rate, at least 1 KiB): an idle link cannot save up a burst,
 * so the rate stays smooth rather than burst-then-stall.
 */
export class TokenBucket {
  private rate: number
  private tokens = 0
  private last: number
  private drawn = 0
  private readonly now: () => number

  constructor(rate: number, now: () => number) {
    this.rate = rate
    this.now = now
    this.last = now()
    this.tokens = this.capacity()
  }

  /** Bytes per second; 0 = unlimited. Takes effect at the next wait. */
  setRate(rate: number): void {
    this.refill()
    this.rate = rate
    this.tokens = Math.min(this.tokens, this.capacity())
  }

  get bytesPerSecond(): number {
    return this.rate
  }

  /** The most bytes one take may ask for, so that a take can always be met. */
  capacity(): number {
    return Math.max(Math.ceil(this.rate / 20), 1024)
  }

  /**
   * Milliseconds until `bytes` may go; 0 = now. Unlimited never waits. More than the capacity (a
   * piece cut before the rate dropped) waits for a full bucket and leaves the rest as debt.
   */
  waitMs(bytes: number): number {
    if (this.rate === 0) return 0
    this.refill()
    const missing = Math.min(bytes, this.capacity()) - this.tokens
    return missing <= 0 ? 0 : Math.ceil((missing / this.rate) * 1000)
  }

  /** Spends `bytes`; call once waitMs said 0. */
  take(bytes: number): void {
    if (this.rate === 0) return
    this.refill()
    this.tokens -= bytes
    this.drawn += bytes
  }

  /** Bytes spent under a cap since the bucket was made: which bodies the cap really paced. */
  get bytesDrawn(): number {
    return this.drawn
  }

  private refill(): void {
    const at = this.now()
    this.tokens = Math.min(this.capacity(), this.tokens + ((at - this.last) / 1000) * this.rate)
    this.last = at
  }
}
