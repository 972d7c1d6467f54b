/** Speed over a sliding window, so a stall shows up quickly but one slow chunk does not dominate. */
const WINDOW_MS = 5000

export interface Progress {
  bytesDone: number
  size: number
  bytesPerSecond: number
  /** undefined until there is a speed to go by. */
  etaSeconds: number | undefined
}

export class ProgressMeter {
  private readonly samples: Array<{ at: number; bytes: number }> = []
  private readonly size: number
  private readonly now: () => number

  constructor(size: number, now: () => number = Date.now) {
    this.size = size
    this.now = now
  }

  update(bytesDone: number): Progress {
    const at = this.now()
    this.samples.push({ at, bytes: bytesDone })
    while (this.samples.length > 2 && at - this.samples[0]!.at > WINDOW_MS) this.samples.shift()
    const first = this.samples[0]!
    const seconds = (at - first.at) / 1000
    const bytesPerSecond = seconds > 0 ? (bytesDone - first.bytes) / seconds : 0
    const etaSeconds = bytesPerSecond > 0 ? (this.size - bytesDone) / bytesPerSecond : undefined
    return { bytesDone, size: this.size, bytesPerSecond, etaSeconds }
  }
}
