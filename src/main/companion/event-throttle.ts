/**
 * Lets at most one call per key through every `intervalMs`, and always delivers the latest value
 * once the interval is over, so a progress bar never stops short of where the upload really is.
 */
export class EventThrottle<T> {
  private readonly intervalMs: number
  private readonly deliver: (value: T) => void
  private readonly last = new Map<number, number>()
  private readonly pending = new Map<number, { value: T; timer: NodeJS.Timeout }>()

  constructor(intervalMs: number, deliver: (value: T) => void) {
    this.intervalMs = intervalMs
    this.deliver = deliver
  }

  push(key: number, value: T, now = Date.now()): void {
    const wait = (this.last.get(key) ?? -Infinity) + this.intervalMs - now
    const queued = this.pending.get(key)
    if (queued) {
      queued.value = value
      return
    }
    if (wait <= 0) return this.send(key, value, now)
    const timer = setTimeout(() => {
      const latest = this.pending.get(key)!.value
      this.pending.delete(key)
      this.send(key, latest, Date.now())
    }, wait)
    this.pending.set(key, { value, timer })
  }

  /** Forgets a key (its job finished); a pending value is dropped. */
  end(key: number): void {
    clearTimeout(this.pending.get(key)?.timer)
    this.pending.delete(key)
    this.last.delete(key)
  }

  private send(key: number, value: T, now: number): void {
    this.last.set(key, now)
    this.deliver(value)
  }
}
