import { EventEmitter } from 'node:events'
import { AppError } from '../../shared/app-error.ts'
import { remoteFolderFor, sourceFolder } from '../../shared/remote-folder.ts'
import type { SlowDown } from '../../shared/slow-down.ts'
import type { ConnectionService } from '../auth/connection-service.ts'
import type { Logger } from '../log/logger.ts'
import type { SettingsStore } from '../store/settings-store.ts'
import type { Source } from '../../shared/settings-schema.ts'
import { ArchiveGate } from './archive-gate.ts'
import { ALL, JobStore } from './job-store.ts'
import type { RemovalQuery } from './removals.ts'
import { LOCAL_DESTINATION_ID, type HistoryQuery, type Job } from './job-types.ts'
import type { Progress } from './progress-meter.ts'
import { nudgeQueue, QueueOwner } from './queue-owner.ts'
import type { SourceFile, Uploader } from './uploader.ts'
import { slowDownOf } from './slow-down.ts'
import { isStorageFailure, storageFailure } from './storage-failure.ts'
import { UploadQueue } from './upload-queue.ts'

export interface UploadServiceEvents {
  job: [Job]
  progress: [Job, Progress]
  /** The queue's database could not be written (disk full …), or works again (undefined). */
  storage: [AppError | undefined]
}

/** A file to queue, and the folder it is in below the watched folder, if any. */
export interface OfferedFile extends SourceFile {
  subfolder?: string
}

export interface UploadServiceOptions {
  home: string
  settings: SettingsStore
  connections: ConnectionService
  env: NodeJS.ProcessEnv
  log: Logger
  now?: () => number
}

/**
 * The upload side of the engine: which destinations there are, what gets queued for each, and
 * the queue itself when this process owns it (otherwise it hands work to the owner).
 */
export class UploadService extends EventEmitter<UploadServiceEvents> {
  readonly store: JobStore
  private readonly options: UploadServiceOptions
  private readonly now: () => number
  private readonly uploaders = new Map<string, { revision: string; uploader: Uploader }>()
  private queue: UploadQueue | undefined
  private readonly owner: QueueOwner
  private storageFailing = false

  constructor(options: UploadServiceOptions) {
    super()
    this.options = options
    this.now = options.now ?? Date.now
    this.store = new JobStore(options.home)
    this.owner = new QueueOwner(
      options.home,
      {
        start: () => {
          this.queue = this.createQueue()
          this.queue.start()
        },
        nudge: () => this.queue?.nudge(),
        stop: async () => {
          await this.queue?.stop()
          this.queue = undefined
        },
      },
      options.log,
    )
  }

  localDestination(): string | null {
    return this.options.connections.localDestination()
  }

  /** Every place a backup goes: each connection, and the local folder if one is set. */
  destinations(): string[] {
    return this.options.connections.destinations()
  }

  /**
   * Queues settled files for each destination they have not reached yet (or just `only`), in one
   * transaction. Files from a `source` go to its destinations only, into its remote subfolder.
   * Returns the jobs now responsible, including finished ones for files uploaded already.
   */
  offer(files: OfferedFile[], origin: Job['origin'], only?: string, source?: Source): Job[] {
    const targets = only ? [this.checkedDestination(only)] : this.destinationsOf(source)
    if (targets.length === 0) throw new AppError('no_destination')
    const bases = new Map(
      targets.map((id) => [id, sourceFolder(this.options.connections.targetOf(id), source)]),
    )
    const offers = files.flatMap(({ subfolder, ...file }) =>
      targets.map((connectionId) => ({
        ...file,
        connectionId,
        remoteFolder: remoteFolderFor(bases.get(connectionId)!, subfolder),
        origin,
      })),
    )
    const offered = this.offerToStore(offers)
    // Queued work is announced even when it cannot start yet (paused, slots busy, reconnect needed).
    for (const job of offered) if (job?.state === 'queued') this.emit('job', job)
    return offered.map(
      (job, i) =>
        job ??
        this.store.doneJob(
          offers[i]!.path,
          offers[i]!.size,
          offers[i]!.mtimeMs,
          offers[i]!.connectionId,
        )!,
    )
  }

  /** A source's own destinations that exist now; every destination for a file without one. */
  destinationsOf(source?: Pick<Source, 'destinations'>): string[] {
    const all = this.destinations()
    const chosen = source?.destinations
    return chosen ? all.filter((id) => chosen.includes(id)) : all
  }

  private offerToStore(
    offers: Parameters<JobStore['offerAll']>[0],
  ): ReturnType<JobStore['offerAll']> {
    try {
      const offered = this.store.offerAll(offers, this.now())
      if (offered.some(Boolean)) this.storageState(undefined)
      return offered
    } catch (error) {
      if (!isStorageFailure(error)) throw error
      const failure = storageFailure(error)
      // Said every time: these files are not queued yet (the watcher offers them again).
      this.storageState(failure, true)
      throw failure
    }
  }

  /** Says when the database stops taking writes, and once when it takes them again. */
  private storageState(failure: AppError | undefined, always = false): void {
    if (!always && !!failure === this.storageFailing) return
    this.storageFailing = !!failure
    this.emit('storage', failure)
  }

  /** Runs the queue here if no other process does; otherwise keeps checking whether it can. */
  async process(): Promise<void> {
    await this.owner.claim()
  }

  /** Tells whichever process runs the queue to look again (new jobs, pauses, retries). */
  async nudge(): Promise<void> {
    if (this.queue) this.queue.nudge()
    else await nudgeQueue(this.options.home)
  }

  /** Stops the queue here (checkpointing), or stops waiting for it; waits for a claim under way. */
  async stop(): Promise<void> {
    await this.owner.release()
  }

  get isOwner(): boolean {
    return this.queue !== undefined
  }

  activeJobs(): Job[] {
    return this.queue?.active ?? this.store.inFlight()
  }

  async pause(scope: string = ALL): Promise<void> {
    if (scope !== ALL) this.checkedDestination(scope)
    this.store.pause(scope)
    await this.nudge()
  }

  async resume(scope: string = ALL): Promise<void> {
    this.store.resume(scope)
    await this.nudge()
  }

  async retry(target: number | 'all-failed'): Promise<Job[]> {
    const ids = target === 'all-failed' ? this.store.failedIds() : [target]
    const jobs = ids.map((id) => {
      const job = this.store.get(id)
      if (!job) throw new AppError('job_not_found', `No upload job has the id ${id}.`)
      return this.store.requeue(job, this.now()) ?? job
    })
    await this.nudge()
    return jobs
  }

  async cancel(jobId: number): Promise<void> {
    if (!this.store.get(jobId))
      throw new AppError('job_not_found', `No upload job has the id ${jobId}.`)
    this.store.cancel(jobId, this.now())
    this.queue?.abortJob(jobId)
    await this.nudge()
  }

  history(query: HistoryQuery) {
    return this.store.history(query)
  }

  /** What retention deleted, newest first, including files this app never uploaded. */
  removals(query: RemovalQuery) {
    return this.store.removals(query)
  }

  /** Whether a queued job waits because its destination asked us to slow down, and until when. */
  slowDown(job: Job): SlowDown | undefined {
    return slowDownOf(job, this.now(), this.options.connections.providerOf(job.connectionId))
  }

  /** The jobs that wait for their destination now, soonest first. */
  slowedDown(limit = 100): Array<{ job: Job; waiting: SlowDown }> {
    return this.store.throttled(this.now(), limit).flatMap((job) => {
      const waiting = this.slowDown(job)
      return waiting ? [{ job, waiting }] : []
    })
  }

  /** A disconnected account's unfinished work has nowhere to go. */
  forget(connectionId: string): void {
    this.store.cancelOpen(connectionId, this.now())
    this.uploaders.delete(connectionId)
  }

  close(): void {
    this.store.close()
  }

  private createQueue(): UploadQueue {
    const settings = () => this.options.settings.get()
    const queue = new UploadQueue({
      store: this.store,
      uploaderFor: (id) => this.uploaderFor(id),
      unavailable: () => this.unavailable(),
      concurrency: () => settings().concurrency,
      settleMs: settings().settleSeconds * 1000,
      archives: new ArchiveGate(settings().incompleteArchiveMinutes * 60_000),
      log: this.options.log,
      now: this.now,
    })
    queue.on('job', (job) => this.emit('job', job))
    queue.on('progress', (job, progress) => this.emit('progress', job, progress))
    queue.on('storage', (failure) => this.storageState(failure))
    queue.on('storageRecovered', () => this.storageState(undefined))
    return queue
  }

  /** Destinations whose jobs must wait: reconnect needed, or no longer configured. */
  private unavailable(): string[] {
    const known = new Set(this.destinations())
    const waiting = this.options.connections.list().filter((c) => c.status !== 'connected')
    const queued = this.store.destinationsWithOpenJobs().filter((id) => !known.has(id))
    return [...waiting.map((c) => c.id), ...queued]
  }

  private async uploaderFor(id: string): Promise<Uploader | undefined> {
    if (!this.options.connections.isReady(id)) return undefined
    const { provider, credentials, context, revision } = await this.options.connections.open(id)
    const cached = this.uploaders.get(id)
    if (cached?.revision === revision) return cached.uploader
    // One uploader per destination and credentials, so commits to one account are serialized.
    const uploader = provider.uploader(credentials, context)
    this.uploaders.set(id, { revision, uploader })
    return uploader
  }

  private checkedDestination(id: string): string {
    if (!this.destinations().includes(id)) {
      if (id === LOCAL_DESTINATION_ID)
        throw new AppError('no_destination', 'No local destination folder is set.')
      this.options.connections.get(id)
    }
    return id
  }
}
