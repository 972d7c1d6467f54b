import type { Fault, FaultMatch } from './types.ts'

interface Queued {
  match: FaultMatch
  fault: Fault
  remaining: number
}

/** Injected faults (a test hook, not Nextcloud), consumed first-in first-out per match. */
export class FaultQueue {
  private readonly queue: Queued[] = []

  inject(match: FaultMatch, fault: Fault, times = 1): void {
    if (!Number.isInteger(times) || times < 1) throw new Error(`times must be >= 1, got ${times}`)
    this.queue.push({ match, fault: { ...fault }, remaining: times })
  }

  take(method: string, path: string): Fault | undefined {
    const index = this.queue.findIndex(
      (q) => q.match.method === method && path.startsWith(q.match.path),
    )
    const due = this.queue[index]
    if (!due) return undefined
    due.remaining -= 1
    if (due.remaining === 0) this.queue.splice(index, 1)
    return due.fault
  }
}
