import { stat as fsStat } from 'node:fs/promises'
import { basename } from 'node:path'
import { performance } from 'node:perf_hooks'

/** A file whose size and mtime have held still: safe to hand to an uploader. */
export interface ReadyFile {
  path: string
  name: string
  size: number
  mtimeMs: number
  /**
   * The folder it is in below the watched folder, "/"-separated ("a/b"); absent at the top. Set
   * by the folder watcher, which knows the root.
   */
  subfolder?: string
}

/** The parts of fs.Stats the detector reads (chokidar's stats, or our own stat). */
export interface FileStats {
  size: number
  mtimeMs: number
  isFile(): boolean
}

export interface SettleOptions {
  settleMs: number
  onReady(file: ReadyFile): void
  stat?: (path: string) => Promise<FileStats>
  /** Wall clock, compared with file mtimes. */
  now?: () => number
}

interface Pending {
  size: number
  mtimeMs: number
  /** Monotonic time of the last sign of activity: NTP steps must not shorten a settle. */
  since: number
}

// Re-checks at once are bounded so a start-up scan of 10,000 fresh files does not queue
// 10,000 stats on libuv's 4 threads at the same moment.
const RECHECK_BATCH = 64

/**
 * Decides when a file has finished being written: its size AND mtime unchanged for settleMs.
 * chokidar's awaitWriteFinish is not used: it compares size only (an in-place rewrite of the same
 * length goes unnoticed), and it does not hold events from the initial scan.
 *
 * `pending` is a Map used as a queue: a path is re-inserted whenever it shows activity, so entries
 * are ordered by `since` and one timer aimed at the first entry serves them all.
 */
export class SettleDetector {
  private readonly settleMs: number
  private readonly onReady: (file: ReadyFile) => void
  private readonly stat: (path: string) => Promise<FileStats>
  private readonly now: () => number
  private readonly pending = new Map<string, Pending>()
  /** Size and mtime last reported per path, so an unchanged file is not reported twice. */
  private readonly reported = new Map<string, { size: number; mtimeMs: number }>()
  private timer: NodeJS.Timeout | undefined
  private sweeping = false
  private closed = false

  constructor(options: SettleOptions) {
    this.settleMs = options.settleMs
    this.onReady = options.onReady
    this.stat = options.stat ?? fsStat
    this.now = options.now ?? Date.now
  }

  get pendingCount(): number {
    return this.pending.size
  }

  /** A sign of activity on `path` (created, written, found by a scan). */
  observe(path: string, stats?: FileStats): void {
    if (this.closed) return
    if (stats) {
      this.consider(path, stats)
      return
    }
    this.stat(path).then(
      (fresh) => this.consider(path, fresh),
      () => this.pending.delete(path),
    )
  }

  /** The file is gone: cancel its settle and forget what was reported for it. */
  forget(path: string): void {
    this.pending.delete(path)
    this.reported.delete(path)
  }

  /** Forgets every reported path a fresh scan did not find again. */
  retainReported(present: ReadonlySet<string>): void {
    for (const path of this.reported.keys()) if (!present.has(path)) this.reported.delete(path)
  }

  /** Drops every pending settle (the folder went away); reported sizes are kept. */
  cancelPending(): void {
    this.pending.clear()
    clearTimeout(this.timer)
    this.timer = undefined
  }

  close(): void {
    this.closed = true
    this.cancelPending()
    this.reported.clear()
  }

  private consider(path: string, stats: FileStats): void {
    if (this.closed) return
    if (!stats.isFile()) {
      this.pending.delete(path)
      return
    }
    // Event stats can be older than a write already pending: leave that to the sweep's own stat.
    const last = this.reported.get(path)
    if (last && last.size === stats.size && last.mtimeMs === stats.mtimeMs) return
    this.pending.delete(path)
    // Every write moves the mtime, so one already older than the window proves the file has been
    // still that long: existing backups at start-up, or one moved in from staging/, are reported
    // at once. If the folder's clock lags ours (a NAS), a file may be reported early; the uploader
    // then sees size/mtime move (file_changed) and the next write brings it back here.
    if (stats.mtimeMs <= this.now() - this.settleMs) {
      this.report(path, stats)
      return
    }
    this.pending.set(path, { size: stats.size, mtimeMs: stats.mtimeMs, since: performance.now() })
    this.schedule()
  }

  private report(path: string, stats: FileStats): void {
    this.reported.set(path, { size: stats.size, mtimeMs: stats.mtimeMs })
    this.onReady({ path, name: basename(path), size: stats.size, mtimeMs: stats.mtimeMs })
  }

  private schedule(): void {
    if (this.timer || this.sweeping || this.closed) return
    const first = this.pending.values().next()
    if (first.done) return
    const delay = Math.max(0, first.value.since + this.settleMs - performance.now())
    this.timer = setTimeout(() => void this.sweep(), Math.ceil(delay))
  }

  private async sweep(): Promise<void> {
    this.timer = undefined
    this.sweeping = true
    try {
      for (let due = this.takeDue(); due.length > 0; due = this.takeDue()) {
        await Promise.all(due.map(([path, entry]) => this.recheck(path, entry)))
      }
    } finally {
      this.sweeping = false
      this.schedule()
    }
  }

  private takeDue(): Array<[string, Pending]> {
    const due: Array<[string, Pending]> = []
    const cutoff = performance.now() - this.settleMs
    for (const item of this.pending) {
      if (item[1].since > cutoff || due.length === RECHECK_BATCH) break
      due.push(item)
    }
    return due
  }

  // Stat again rather than trust the events: polling and network file systems can miss writes.
  private async recheck(path: string, entry: Pending): Promise<void> {
    let stats: FileStats
    try {
      stats = await this.stat(path)
    } catch {
      if (this.pending.get(path) === entry) this.pending.delete(path)
      return
    }
    if (this.closed || this.pending.get(path) !== entry) return
    this.pending.delete(path)
    if (stats.isFile() && stats.size === entry.size && stats.mtimeMs === entry.mtimeMs) {
      this.report(path, stats)
    } else {
      this.consider(path, stats)
    }
  }
}
