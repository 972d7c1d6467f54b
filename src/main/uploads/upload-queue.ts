import { EventEmitter } from 'node:events'
import { AppError, isAppError } from '../../shared/app-error.ts'
import type { Logger } from '../log/logger.ts'
import { ArchiveIncomplete, type ArchiveGate } from './archive-gate.ts'
import { ALL, type JobStore } from './job-store.ts'
import { FINISHED, type Job } from './job-types.ts'
import { ProgressMeter, type Progress } from './progress-meter.ts'
import { backoffMs, failureAction, MAX_ATTEMPTS } from './retry-policy.ts'
import { sourceFileAt } from './source-file.ts'
import type { Uploader } from './uploader.ts'

export interface QueueEvents {
  job: [Job]
  progress: [Job, Progress]
}

export interface UploadQueueOptions {
  store: JobStore
  /** The uploader for a destination, or undefined while it can't take work (needs reconnect). */
  uploaderFor: (connectionId: string) => Promise<Uploader | undefined>
  /** Destinations that can't take work now; their jobs wait without using attempts. */
  unavailable: () => string[]
  concurrency: () => number
  settleMs: number
  /** Holds back archives not written to their end; without it files go up as they are. */
  archives?: ArchiveGate
  log: Logger
  now?: () => number
  random?: () => number
}

/** Looks at the job store at least this often, even if no process rings the doorbell. */
const POLL_MS = 5000

/**
 * Runs jobs from the store: at most `concurrency` at once, skipping paused scopes and unavailable
 * destinations, retrying with backoff, and checkpointing interrupted ones back to the queue.
 */
export class UploadQueue extends EventEmitter<QueueEvents> {
  private readonly options: UploadQueueOptions
  private readonly running = new Map<
    number,
    { job: Job; abort: AbortController; done: Promise<void> }
  >()
  private readonly now: () => number
  private timer: NodeJS.Timeout | undefined
  private stopped = true

  constructor(options: UploadQueueOptions) {
    super()
    this.options = options
    this.now = options.now ?? Date.now
  }

  start(): void {
    this.stopped = false
    const recovered = this.options.store.recoverInterrupted()
    if (recovered) this.options.log.info('requeued interrupted jobs', { count: recovered })
    this.nudge()
  }

  /** Re-reads the store: new jobs, pauses, retries. Pausing also stops what is in flight. */
  nudge(): void {
    if (this.stopped) return
    this.abortPaused()
    void this.pump()
  }

  /** Stops taking work and checkpoints what is in flight back to the queue (resume state kept). */
  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    for (const { abort } of this.running.values()) abort.abort()
    await Promise.all([...this.running.values()].map((r) => r.done))
  }

  /** Stops one job's upload in progress (it was cancelled in the store). */
  abortJob(id: number): void {
    this.running.get(id)?.abort.abort()
  }

  /** Jobs being uploaded now; one that just finished no longer counts while it winds down. */
  get active(): Job[] {
    return [...this.running.values()]
      .map((r) => r.job)
      .filter((job) => !FINISHED.includes(job.state))
  }

  private abortPaused(): void {
    const paused = this.options.store.pausedScopes()
    for (const { job, abort } of this.running.values()) {
      if (paused.includes(ALL) || paused.includes(job.connectionId)) abort.abort()
    }
  }

  private async pump(): Promise<void> {
    clearTimeout(this.timer)
    const free = this.options.concurrency() - this.running.size
    if (free > 0) {
      const jobs = this.options.store.runnable(
        this.now(),
        this.options.unavailable(),
        free + this.running.size,
      )
      for (const job of jobs.filter((j) => !this.running.has(j.id)).slice(0, free)) this.launch(job)
    }
    const due = this.options.store.nextDue()
    const wait = due === undefined ? POLL_MS : Math.min(POLL_MS, Math.max(50, due - this.now()))
    if (!this.stopped) this.timer = setTimeout(() => void this.pump(), wait)
  }

  private launch(job: Job): void {
    const abort = new AbortController()
    const entry = { job, abort, done: Promise.resolve() }
    this.running.set(job.id, entry)
    entry.done = this.run(job, abort.signal).finally(() => {
      this.running.delete(job.id)
      if (!this.stopped) void this.pump()
    })
  }

  private async run(queued: Job, signal: AbortSignal): Promise<void> {
    const { store } = this.options
    store.start(queued.id, this.now())
    const job = this.emitJob(queued.id)
    const started = this.now()
    try {
      const uploader = await this.options.uploaderFor(job.connectionId)
      if (!uploader) return this.settle(job, new AppError('needs_reauth'), signal)
      const source = await this.currentVersion(job)
      const meter = new ProgressMeter(source.size, this.now)
      let recorded = 0
      const result = await uploader.upload(source, job.remoteFolder, {
        signal,
        resume: store.get(job.id)?.resume,
        saveResume: (state) => store.saveResume(job.id, state),
        onProgress: (bytes) => {
          // For `status` in other processes; at most once a second, as each write is synced.
          if (this.now() - recorded >= 1000 || bytes >= source.size) {
            store.setBytesDone(job.id, bytes)
            recorded = this.now()
          }
          this.progress(job.id, meter.update(bytes))
        },
      })
      const seconds = Math.max(0.001, (this.now() - started) / 1000)
      store.finish(
        job.id,
        { ...result, bytesPerSecond: result.alreadyPresent ? 0 : source.size / seconds },
        this.now(),
      )
      this.emitJob(job.id)
    } catch (error) {
      this.settle(job, error, signal)
    }
  }

  /** The file as it is now; a newer settled version takes the job over, an unsettled one waits. */
  private async currentVersion(job: Job) {
    const file = await sourceFileAt(job.path)
    if (file.size !== job.size || file.mtimeMs !== job.mtimeMs) {
      if (this.now() - file.mtimeMs < this.options.settleMs) throw new AppError('file_changed')
      this.options.store.setVersion(job.id, file.size, file.mtimeMs)
    }
    await this.options.archives?.admit(file, job.origin, this.now())
    return { ...file, name: job.name }
  }

  private settle(job: Job, error: unknown, signal: AbortSignal): void {
    const { store, log, settleMs } = this.options
    const appError = isAppError(error)
      ? error
      : new AppError('provider_error', undefined, { cause: error })
    const now = this.now()
    if (signal.aborted) {
      store.postpone(job.id, now, undefined, false)
    } else {
      const action = failureAction(appError.code)
      const attempts = store.get(job.id)?.attempts ?? MAX_ATTEMPTS
      if (action === 'wait_for_file') {
        const until = appError instanceof ArchiveIncomplete ? appError.recheckAt : now + settleMs
        store.postpone(job.id, until, appError, false)
      } else if (action === 'pause_connection') store.postpone(job.id, now, appError, false)
      else if (action === 'fail' || attempts >= MAX_ATTEMPTS) store.fail(job.id, appError, now)
      else store.postpone(job.id, now + backoffMs(attempts, this.options.random), appError)
      log.warn('upload attempt failed', {
        job: job.id,
        code: appError.code,
        action,
        error: appError.message,
      })
    }
    this.emitJob(job.id)
  }

  private progress(id: number, progress: Progress): void {
    let job = this.running.get(id)?.job
    if (!job) return
    if (progress.bytesDone >= progress.size && job.state === 'uploading') {
      // Every byte is acknowledged; what remains is the commit and the hash comparison.
      this.options.store.setState(id, 'verifying')
      job = this.emitJob(id)
    }
    this.emit('progress', job, progress)
  }

  private emitJob(id: number): Job {
    const job = this.options.store.get(id)!
    const entry = this.running.get(id)
    if (entry) entry.job = job
    this.emit('job', job)
    return job
  }
}
