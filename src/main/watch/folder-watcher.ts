import { watch, type ChokidarOptions, type FSWatcher } from 'chokidar'
import type { Stats } from 'node:fs'
import { basename, dirname, relative, resolve, sep } from 'node:path'
import type { AppError } from '../../shared/app-error.ts'
import type { Logger } from '../log/logger.ts'
import { checkFolder, removedError, replacedError } from './folder-check.ts'
import { createFileFilter, type FileFilter } from './file-filter.ts'
import { SettleDetector, type FileStats, type ReadyFile } from './settle-detector.ts'

export type { ReadyFile } from './settle-detector.ts'
export { DEFAULT_PATTERNS } from './file-filter.ts'

export interface WatchOptions {
  dir: string
  /** Globs matched on the file NAME; default ['*.tar.xz', '*.zip']. */
  patterns?: string[]
  /** Subfolders are ignored unless true. */
  recursive?: boolean
  /** How long size and mtime must hold still before a file is ready; default 2000. */
  settleMs?: number
  /** Stat-based polling, for network file systems (NFS/SMB) where change events are unreliable. */
  usePolling?: boolean
  /** How often a missing or unreadable folder is tried again (and a watched one re-checked). */
  retryMs?: number
  log?: Logger
}

export type WatchStatus =
  | { state: 'starting' }
  | { state: 'watching'; dir: string }
  | { state: 'unavailable'; dir: string; error: AppError }

export interface WatchEvents {
  onReady(file: ReadyFile): void
  onStatus(status: WatchStatus): void
  /** After each full scan: at start and whenever watching resumes. `count` matching files found. */
  onScanComplete?(count: number): void
}

export interface FolderWatch {
  close(): Promise<void>
}

/** Watches a backup folder and reports each file once it has settled. Never throws. */
export function watchFolder(options: WatchOptions, events: WatchEvents): FolderWatch {
  const watcher = new FolderWatcher(options, events)
  watcher.start()
  return { close: () => watcher.close() }
}

class FolderWatcher {
  private readonly dir: string
  private readonly options: WatchOptions
  private readonly events: WatchEvents
  private readonly retryMs: number
  private readonly settleMs: number
  private readonly filter: FileFilter
  private readonly detector: SettleDetector
  private chokidar: FSWatcher | undefined
  private identity: string | undefined
  /** Set once watching was lost, so retries keep saying "removed while watched", not "missing". */
  private wasWatching = false
  /** Bumped on every teardown, so events from a chokidar instance being closed are dropped. */
  private generation = 0
  private timer: NodeJS.Timeout | undefined
  private ticking = false
  private tickAgain = false
  private lastStatus = ''
  private closing: Promise<void> | undefined

  constructor(options: WatchOptions, events: WatchEvents) {
    this.dir = resolve(options.dir)
    this.options = options
    this.events = events
    this.retryMs = options.retryMs ?? 5000
    this.settleMs = options.settleMs ?? 2000
    this.filter = createFileFilter(this.dir, options)
    this.detector = new SettleDetector({
      settleMs: this.settleMs,
      onReady: (file) =>
        this.call('onReady', () => this.events.onReady(withSubfolder(this.dir, file))),
    })
  }

  start(): void {
    this.emitStatus({ state: 'starting' })
    void this.tick()
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown()
    return this.closing
  }

  private async shutdown(): Promise<void> {
    clearTimeout(this.timer)
    this.generation++
    this.detector.close()
    const old = this.chokidar
    this.chokidar = undefined
    await old?.close().catch(() => {})
  }

  /** One timer drives both jobs: retrying a missing folder and re-checking a watched one. */
  private async tick(): Promise<void> {
    this.timer = undefined
    if (this.closing) return
    if (this.ticking) {
      this.tickAgain = true
      return
    }
    this.ticking = true
    try {
      await (this.chokidar ? this.checkHealth() : this.tryStart())
    } catch (error) {
      this.options.log?.error('watch: folder check failed', { dir: this.dir, error: String(error) })
    } finally {
      this.ticking = false
      const delay = this.tickAgain ? 0 : this.retryMs
      this.tickAgain = false
      if (!this.closing && !this.timer) this.timer = setTimeout(() => void this.tick(), delay)
    }
  }

  private checkSoon(): void {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => void this.tick(), 0)
  }

  private async tryStart(): Promise<void> {
    const check = await checkFolder(this.dir, this.wasWatching)
    if (this.closing) return
    if (check.ok) this.startChokidar(check.identity)
    else this.emitStatus({ state: 'unavailable', dir: this.dir, error: check.error })
  }

  // Besides chokidar's unlinkDir for the root, this catches what produces no event at all:
  // an NFS/SMB share going away, a chmod, a folder swapped between two checks.
  private async checkHealth(): Promise<void> {
    const check = await checkFolder(this.dir, true)
    if (this.closing || !this.chokidar) return
    if (!check.ok) {
      this.lose(check.error)
    } else if (check.identity !== this.identity) {
      this.lose(replacedError(this.dir))
      this.tickAgain = true
    }
  }

  private lose(error: AppError): void {
    this.generation++
    const old = this.chokidar
    this.chokidar = undefined
    this.identity = undefined
    this.wasWatching = true
    this.detector.cancelPending()
    old?.close().catch(() => {})
    this.emitStatus({ state: 'unavailable', dir: this.dir, error })
  }

  private startChokidar(identity: string): void {
    const generation = ++this.generation
    const live = () => generation === this.generation && !this.closing
    const found = new Set<string>()
    let scanning = true
    const onFile = (path: string, stats?: Stats) => {
      if (!live()) return
      const full = resolve(path)
      if (!this.filter.isCandidate(basename(full)) || this.filter.isIgnored(full, stats)) return
      if (scanning) found.add(full)
      this.detector.observe(full, usableStats(stats))
    }
    const fsw = watch(this.dir, this.chokidarOptions())
    this.chokidar = fsw
    this.identity = identity
    this.emitStatus({ state: 'watching', dir: this.dir })
    fsw.on('add', onFile)
    fsw.on('change', onFile)
    fsw.on('unlink', (path) => live() && this.detector.forget(resolve(path)))
    fsw.on('unlinkDir', (path) => {
      if (live() && resolve(path) === this.dir) this.lose(removedError(this.dir))
    })
    fsw.on('error', (error) => {
      if (!live()) return
      this.options.log?.warn('watch: watcher error', { dir: this.dir, error: String(error) })
      this.checkSoon()
    })
    fsw.on('ready', () => {
      if (!live()) return
      scanning = false
      this.detector.retainReported(found)
      const count = found.size
      found.clear()
      this.call('onScanComplete', () => this.events.onScanComplete?.(count))
    })
  }

  private chokidarOptions(): ChokidarOptions {
    // The settle detector re-stats pending files itself, so polling only has to notice new and
    // changed files: about once a second is plenty and keeps 10,000 files cheap.
    const interval = Math.min(1000, Math.max(100, Math.round(this.settleMs / 2)))
    return {
      ignored: (path: string, stats?: Stats) => this.filter.isIgnored(resolve(path), stats),
      depth: this.options.recursive ? undefined : 0,
      alwaysStat: true,
      persistent: true,
      ...(this.options.usePolling
        ? { backend: 'polling', pollingInterval: interval, pollingBinaryInterval: interval }
        : {}),
    }
  }

  private emitStatus(status: WatchStatus): void {
    const key =
      status.state === 'unavailable' ? `unavailable:${status.error.message}` : status.state
    if (key === this.lastStatus) return
    this.lastStatus = key
    this.call('onStatus', () => this.events.onStatus(status))
  }

  // A throwing handler must not take the watcher (or, through an unhandled rejection, the
  // process) down with it.
  private call(handler: string, run: () => void): void {
    if (this.closing) return
    try {
      run()
    } catch (error) {
      this.options.log?.error('watch: event handler threw', { handler, error: String(error) })
    }
  }
}

/**
 * Adds the folder a file is in below the root, so same-named backups from two subfolders keep
 * distinct names at the destination ("a/x.tar.xz" and "b/x.tar.xz"), not one taking the other's.
 */
function withSubfolder(root: string, file: ReadyFile): ReadyFile {
  const folder = relative(root, dirname(file.path))
  return folder === '' ? file : { ...file, subfolder: folder.split(sep).join('/') }
}

// On Windows readdirp hands out BigIntStats, whose bigint mtimeMs never equals a number one.
function usableStats(stats: Stats | undefined): FileStats | undefined {
  return stats && typeof stats.mtimeMs === 'number' ? stats : undefined
}
