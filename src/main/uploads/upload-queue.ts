import { EventEmitter } from 'node:events'
import { AppError, isAppError } from '../../shared/app-error.ts'
import type { Logger } from '../log/logger.ts'
import { ArchiveIncomplete, type ArchiveGate } from './archive-gate.ts'
import { JobCancelled } from './job-cancelled.ts'
import { ALL, type JobStore } from './job-store.ts'
import { FINISHED, type Job } from './job-types.ts'
import { ProgressMeter, type Progress } from './progress-meter.ts'
import { askedWaitMs, backoffMs, failureAction, MAX_ATTEMPTS } from './retry-policy.ts'
import { sourceFileAt } from './source-file.ts'
import { isStorageFailure, storageFailure } from './storage-failure.ts'
import type { Uploader } from './uploader.ts'

export interface QueueEvents {
  job: [Job]
  progress: [Job, Progress]
  /** The queue's database could not be written (disk full, read-only …); retried by itself. */
  storage: [AppError]
  /** A write to the queue's database worked again after a storage failure. */
  storageRecovered: []
}

/** A job this process is uploading. */
interface Running {
  /** As this process last changed it (what its next transition is checked against). */
  job: Job
  /** As last announced. */
  view: Job
  abort: AbortController
  done: Promise<void>
  /** Its bytes are all sent and it only waits for its commit: it leaves its slot to another. */
  awaitingCommit: boolean
}

export interface UploadQueueOptions {
  store: JobStore
  /** The uploader for a destination, or undefined while it can't take work (needs reconnect). */
  uploaderFor: (connectionId: string) => Promise<Uploader | undefined>
  /** Destinations that can't take work now; their jobs wait without using attempts. */
  unavailable: () => string[]
  concurrency: () => number
  /** At most this many jobs waiting for their commit run beyond `concurrency` (default 256). */
  maxAwaitingCommit?: number
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
 * Jobs that only wait for their commit may run beyond `concurrency`, up to this many: enough
 * for big batches, while each still holds an open file (its bytes are re-read if the commit
 * finds the session short) and some memory, so they cannot pile up without end.
 */
const MAX_AWAITING_COMMIT = 256

/**
 * Runs jobs from the store: at most `concurrency` at once (besides a bounded number that only
 * wait for their commit), skipping paused scopes and unavailable destinations, retrying with
 * backoff, and checkpointing interrupted ones back to the queue.
 */
export class UploadQueue extends EventEmitter<QueueEvents> {
  private readonly options: UploadQueueOptions
  /** Jobs this process is uploading, including those that only wait for their commit. */
  private readonly running = new Map<number, Running>()
  private readonly now: () => number
  private timer: NodeJS.Timeout | undefined
  private stopped = true
  /** Jobs whose outcome could not be recorded (database not writable): requeued when it is. */
  private readonly stranded = new Set<number>()
  private storageFailing = false

  constructor(options: UploadQueueOptions) {
    super()
    this.options = options
    this.now = options.now ?? Date.now
  }

  start(): void {
    this.stopped = false
    try {
      const recovered = this.options.store.recoverInterrupted(this.now())
      if (recovered) this.options.log.info('requeued interrupted jobs', { count: recovered })
    } catch (error) {
      // The interrupted jobs stay as they are on disk; a later start requeues them.
      this.troubleWith(error)
    }
    this.nudge()
  }

  /**
   * Re-reads the store: new jobs, pauses, retries, cancels. Pausing or cancelling (from any
   * process) also stops what is in flight.
   */
  nudge(): void {
    if (this.stopped) return
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
    this.running.get(id)?.abort.abort(new JobCancelled())
  }

  /** Jobs being uploaded now; one that just finished no longer counts while it winds down. */
  get active(): Job[] {
    return [...this.running.values()]
      .map((r) => r.view)
      .filter((job) => !FINISHED.includes(job.state))
  }

  /**
   * Stops uploads whose scope is paused, and those whose job another writer changed (a cancel
   * from any process, or a new owner's recovery): what they would record would not apply.
   */
  private abortWithdrawn(): void {
    const { store } = this.options
    const paused = store.pausedScopes()
    for (const [id, { job, abort }] of this.running) {
      const stored = store.get(id)
      const withdrawn = !stored || stored.version !== job.version
      // Cancelled (or gone): the upload will never resume, so its signal says so.
      if (!stored || stored.state === 'cancelled') abort.abort(new JobCancelled())
      else if (withdrawn || paused.includes(ALL) || paused.includes(job.connectionId)) abort.abort()
    }
  }

  /**
   * Starts what may start, and sets the timer for the next look. A database that cannot be read
   * or written (disk full …) stops nothing for good: it is reported, and tried again next time.
   */
  private async pump(): Promise<void> {
    clearTimeout(this.timer)
    let wait = POLL_MS
    try {
      this.abortWithdrawn()
      this.requeueStranded()
      const free = this.options.concurrency() - this.slotsTaken()
      if (free > 0) {
        const jobs = this.options.store.runnable(
          this.now(),
          this.options.unavailable(),
          free + this.running.size,
        )
        for (const job of jobs.filter((j) => !this.running.has(j.id)).slice(0, free))
          this.launch(job)
      }
      const due = this.options.store.nextDue()
      if (due !== undefined && !this.storageFailing)
        wait = Math.min(POLL_MS, Math.max(50, due - this.now()))
    } catch (error) {
      this.troubleWith(error)
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.pump(), wait)
  }

  private launch(job: Job): void {
    const abort = new AbortController()
    const entry: Running = { job, view: job, abort, done: Promise.resolve(), awaitingCommit: false }
    this.running.set(job.id, entry)
    entry.done = this.run(job, abort.signal)
      .then(
        () => {
          this.storageWorks()
          return true
        },
        (error: unknown) => {
          // Its outcome is not on disk: the job may still read as uploading there.
          this.stranded.add(job.id)
          this.troubleWith(error)
          return false
        },
      )
      .then((settled) => {
        this.running.delete(job.id)
        // After a failure the timer tries again: at once would spin on a full disk.
        if (settled && !this.stopped) void this.pump()
      })
  }

  /** Running jobs that count against `concurrency`: all but those waiting for their commit. */
  private slotsTaken(): number {
    let taken = 0
    for (const entry of this.running.values()) if (!entry.awaitingCommit) taken += 1
    return taken
  }

  /**
   * The job's bytes are all at the destination and it only waits for its commit (which may wait
   * for other uploads to join a batch): its slot goes to the next job, within the bound. It stays
   * in `running`, so pauses and cancels still reach it and it records its own outcome. True
   * when another job started in its place.
   */
  private awaitingCommit(id: number): boolean {
    const entry = this.running.get(id)
    if (!entry || entry.awaitingCommit || this.stopped) return false
    const waiting = this.running.size - this.slotsTaken()
    if (waiting >= (this.options.maxAwaitingCommit ?? MAX_AWAITING_COMMIT)) return false
    entry.awaitingCommit = true
    const before = this.running.size
    void this.pump() // launches synchronously what may start
    return this.startedSince(before, entry.job.connectionId)
  }

  /**
   * Whether a job for `connectionId` is among those started after the first `before` (a Map
   * keeps insertion order). Only such a job can join the waiting commit's batch: counting one
   * for another destination held that batch open for its whole window.
   */
  private startedSince(before: number, connectionId: string): boolean {
    return [...this.running.values()].slice(before).some((e) => e.job.connectionId === connectionId)
  }

  /** Puts jobs whose outcome could not be recorded back in the queue, to be uploaded again. */
  private requeueStranded(): void {
    const { store } = this.options
    for (const id of this.stranded) {
      const stored = store.get(id)
      // A failed start left it queued; a cancel or a finish that did get written stands.
      if (stored?.state === 'uploading' || stored?.state === 'verifying') {
        store.postpone(stored, this.now(), undefined, false)
        this.storageWorks()
      }
      this.stranded.delete(id)
    }
  }

  private troubleWith(error: unknown): void {
    const failure = isStorageFailure(error) ? storageFailure(error) : undefined
    this.options.log.error(failure ? 'upload queue storage failed' : 'upload queue error', {
      error: error instanceof Error ? error.message : String(error),
    })
    if (failure) {
      this.storageFailing = true
      this.tell(() => this.emit('storage', failure))
    }
  }

  private storageWorks(): void {
    if (!this.storageFailing) return
    this.storageFailing = false
    this.options.log.info('upload queue storage works again')
    this.tell(() => this.emit('storageRecovered'))
  }

  /** Reports to listeners from error paths, where a listener's own failure must not escape. */
  private tell(emit: () => void): void {
    try {
      emit()
    } catch (error) {
      this.options.log.error('a queue listener failed', { error: String(error) })
    }
  }

  private async run(queued: Job, signal: AbortSignal): Promise<void> {
    const { store } = this.options
    // Not applied when another process (or a cancel) got there first: then it is not ours.
    const taken = store.start(queued, this.now())
    if (!taken) return
    const job = this.hold(taken)
    const held = () => this.running.get(job.id)!.job
    const started = this.now()
    try {
      const uploader = await this.options.uploaderFor(job.connectionId)
      if (!uploader) return this.settle(held(), new AppError('needs_reauth'), signal)
      const source = await this.currentVersion(job)
      if (!source) return
      const meter = new ProgressMeter(source.size, this.now)
      let recorded = 0
      const result = await uploader.upload(source, job.remoteFolder, {
        signal,
        resume: job.resume,
        saveResume: (state) => store.saveResume(held(), state),
        awaitingCommit: () => this.awaitingCommit(job.id),
        onProgress: (bytes) => {
          // For `status` in other processes; at most once a second, as each write is synced.
          if (this.now() - recorded >= 1000 || bytes >= source.size) {
            store.setBytesDone(held(), bytes)
            recorded = this.now()
          }
          this.progress(job.id, meter.update(bytes))
        },
      })
      const seconds = Math.max(0.001, (this.now() - started) / 1000)
      const done = store.finish(
        held(),
        { ...result, bytesPerSecond: result.alreadyPresent ? 0 : source.size / seconds },
        this.now(),
      )
      // Not applied when the job was cancelled meanwhile: the cancel stands.
      if (done) this.hold(done)
      else this.emitJob(job.id)
    } catch (error) {
      this.settle(held(), error, signal)
    }
  }

  /**
   * The file as it is now, if it is still the version the job was queued for. An unsettled
   * newer version is waited for; a settled one becomes a new job (undefined then).
   */
  private async currentVersion(job: Job) {
    const file = await sourceFileAt(job.path)
    if (file.size !== job.size || file.mtimeMs !== job.mtimeMs) {
      if (this.now() - file.mtimeMs < this.options.settleMs) throw new AppError('file_changed')
      return void this.replace(job.id, file)
    }
    await this.options.archives?.admit(file, job.origin, this.now())
    return { ...file, name: job.name }
  }

  /** This job's version is gone: a job for the file's current version takes its place. */
  private replace(id: number, version: Pick<Job, 'size' | 'mtimeMs'>): void {
    const next = this.options.store.supersede(this.running.get(id)!.job, version, this.now())
    if (next) this.emit('job', next)
    this.emitJob(id)
  }

  private settle(job: Job, error: unknown, signal: AbortSignal): void {
    // Not the job's fault, and nothing can be recorded now: the caller strands it for later.
    if (isStorageFailure(error)) throw error
    const { store, log, settleMs } = this.options
    const appError = isAppError(error)
      ? error
      : new AppError('provider_error', undefined, { cause: error })
    const now = this.now()
    if (signal.aborted) {
      store.postpone(job, now, undefined, false)
    } else {
      const action = failureAction(appError.code)
      const attempts = store.get(job.id)?.attempts ?? MAX_ATTEMPTS
      if (action === 'wait_for_file') {
        const until = appError instanceof ArchiveIncomplete ? appError.recheckAt : now + settleMs
        store.postpone(job, until, appError, false)
      } else if (action === 'pause_connection') store.postpone(job, now, appError, false)
      // The provider said how long to wait: that is throttling, not a failed try.
      else if (appError.retryAfterMs !== undefined)
        store.postpone(job, now + askedWaitMs(appError, this.options.random), appError, false)
      else if (action === 'fail' || attempts >= MAX_ATTEMPTS) store.fail(job, appError, now)
      else store.postpone(job, now + backoffMs(attempts, this.options.random), appError)
      log.warn('upload attempt failed', {
        job: job.id,
        errorCode: appError.code,
        action,
        error: appError.message,
      })
    }
    this.emitJob(job.id)
  }

  private progress(id: number, progress: Progress): void {
    const entry = this.running.get(id)
    if (!entry) return
    if (progress.bytesDone >= progress.size && entry.job.state === 'uploading') {
      // Every byte is acknowledged; what remains is the commit and the hash comparison.
      const verifying = this.options.store.setState(entry.job, 'verifying')
      if (verifying) this.hold(verifying)
    }
    this.emit('progress', entry.view, progress)
  }

  /** Keeps the job as this process changed it, and announces it. */
  private hold(job: Job): Job {
    const entry = this.running.get(job.id)
    if (entry) entry.job = job
    return this.emitJob(job.id, job)
  }

  /** Announces the job as stored now (another process may have changed it). */
  private emitJob(id: number, job = this.options.store.get(id)!): Job {
    const entry = this.running.get(id)
    if (entry) entry.view = job
    this.emit('job', job)
    return job
  }
}
