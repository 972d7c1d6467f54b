/**
 * Where the requests to one account wait while its server has asked that account to hold off
 * (a 429 or 503 with Retry-After). The server's limit is the account's, not one request's: the
 * other uploads of the same install would otherwise keep knocking and be refused too.
 */
export class RetryGate {
  private openAt = 0
  private readonly now: () => number

  constructor(now: () => number = Date.now) {
    this.now = now
  }

  /** No request passes before `ms` from now; a longer hold already asked for stands. */
  holdFor(ms: number): void {
    this.openAt = Math.max(this.openAt, this.now() + ms)
  }

  /** How long a request must still wait before it may be sent; 0 when the gate is open. */
  remaining(): number {
    return Math.max(0, this.openAt - this.now())
  }
}
