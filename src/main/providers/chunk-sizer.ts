/** A provider's rules for the size of one chunk of a session upload. */
export interface ChunkRules {
  /** Every chunk but the last is a multiple of this (Drive 256 KiB, Graph 320 KiB, Dropbox 4 MiB). */
  granule: number
  min: number
  max: number
}

/** How long one chunk should take on the wire: long enough that the round trip is a small share. */
const TARGET_SECONDS = 4
/** Weight of the newest measurement: reacts within a few chunks, ignores one slow answer. */
const SMOOTHING = 0.4

/**
 * Sizes the next chunk from the throughput measured on the previous ones, so that a chunk takes a
 * few seconds whatever the link: small on a slow uplink (a lost chunk costs little, progress
 * moves), large on a fast one (fewer round trips idling the link). Sizes stay on the provider's
 * granule and within its limits; the starting size is the app's chunkSize setting.
 */
export class ChunkSizer {
  private readonly rules: ChunkRules
  private bytesPerSecond: number | undefined
  private current: number

  private readonly adaptive: boolean

  /** `adaptive` false: every chunk stays at `initial` (fitted), whatever the link does. */
  constructor(rules: ChunkRules, initial: number, adaptive = true) {
    this.rules = rules
    this.adaptive = adaptive
    this.current = this.fit(initial)
  }

  /** The size for the next chunk (the last chunk of a file is whatever is left). */
  get size(): number {
    return this.current
  }

  /** One chunk of `bytes` was acknowledged `ms` after it started going out. */
  record(bytes: number, ms: number): void {
    // A tail chunk says little about the link.
    if (!this.adaptive || bytes < this.rules.granule || ms <= 0) return
    const measured = (bytes * 1000) / ms
    this.bytesPerSecond =
      this.bytesPerSecond === undefined
        ? measured
        : SMOOTHING * measured + (1 - SMOOTHING) * this.bytesPerSecond
    this.current = this.fit(this.bytesPerSecond * TARGET_SECONDS)
  }

  private fit(bytes: number): number {
    const { granule, min, max } = this.rules
    const floor = Math.ceil(min / granule) * granule
    const ceiling = Math.floor(max / granule) * granule
    const aligned = Math.floor(bytes / granule) * granule
    return Math.min(ceiling, Math.max(floor, aligned))
  }
}
