/** Counts the requests open at once per path, so tests can see how parallel a client is. */
export class InFlight {
  private readonly current = new Map<string, number>()
  private readonly peaks = new Map<string, number>()

  open(path: string): void {
    const now = (this.current.get(path) ?? 0) + 1
    this.current.set(path, now)
    if (now > (this.peaks.get(path) ?? 0)) this.peaks.set(path, now)
  }

  close(path: string): void {
    this.current.set(path, (this.current.get(path) ?? 1) - 1)
  }

  peak(path: string): number {
    return this.peaks.get(path) ?? 0
  }
}
