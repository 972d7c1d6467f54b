import { resolve } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { setTimeout as sleep } from 'node:timers/promises'
import { AppError } from '../shared/app-error.ts'
import { missingPermissionMessage } from '../shared/connection-status.ts'
import type { Engine } from '../main/engine.ts'
import { FINISHED, type Job } from '../main/uploads/job-types.ts'
import { sourceFileAt } from '../main/uploads/source-file.ts'
import type { WatchStatus } from '../main/watch/folder-watcher.ts'
import type { Settings } from '../shared/settings-schema.ts'
import { checksumText, printJson } from './output.ts'
import { ProgressView } from './progress-view.ts'

/**
 * The app's main job, headless: watch every source (or just `dir`) and upload each settled backup.
 * Each source has its own watcher; its lines name it by its label.
 */
export async function watchCommand(engine: Engine, dir: string | undefined): Promise<void> {
  const { sources } = engine.settings.get()
  if (!dir && sources.length === 0)
    throw new AppError(
      'usage',
      'Say which folder to watch: `watch --dir <folder>`, or add a Fermentrack with `sources add --folder DIR --label L`.',
    )
  const destinations = engine.uploads.destinations()
  if (destinations.length === 0) throw new AppError('no_destination')
  const view = new ProgressView()
  engine.uploads.on('job', (job) => view.job(job, engine.uploads.slowDown(job)))
  // A full or read-only FTB_HOME stops the queue only until it is fixed: say so, and when it is.
  engine.uploads.on('storage', (failure) =>
    view.line(
      failure ? `Error: ${failure.message}` : 'The upload queue is saved again; carrying on.',
    ),
  )
  engine.uploads.on('progress', (job, progress) => view.progress(job, progress))
  await engine.uploads.process()
  const startWatch = () =>
    dir
      ? watchOne(engine, view, resolve(dir), destinations)
      : engine.watchSources(
          (source, status) =>
            statusLine(view, status, engine.uploads.destinationsOf(source), ` (${source.label})`),
          (source, count) => view.line(foundLine(count, source.folder, ` (${source.label})`)),
        )
  let watch = startWatch()
  // Hand edits of settings.json apply while this runs: most at their next use (retention, the
  // bandwidth cap), the folder watchers' own settings by starting the watchers again.
  let restarting = Promise.resolve()
  const settingsWatch = engine.watchSettingsFile((problem) => {
    if (problem !== null) view.line(`Warning: ${problem}`)
  })
  engine.settings.onChange((next, { origin, previous }) => {
    if (origin !== 'file') return
    const changed = changedKeys(next, previous)
    view.line(`Settings changed in ${engine.settings.file}: ${changed.join(', ')} in effect now.`)
    if (!changed.some((key) => WATCHER_SETTINGS.includes(key))) return
    restarting = restarting.then(async () => {
      await watch.close()
      watch = startWatch()
    })
  })
  // The weekly restore check, where `verifySchedule` is on; its record survives restarts.
  engine.verify.schedule.start()
  await untilSignal()
  view.line('Stopping: unfinished uploads are saved and resume on the next start.')
  await restarting
  await watch.close()
  await settingsWatch.close()
  await engine.close()
}

/** `--dir`: one folder, its backups straight into every destination's folder, as before sources. */
function watchOne(engine: Engine, view: ProgressView, watched: string, destinations: string[]) {
  return engine.watch(
    watched,
    (status) => statusLine(view, status, destinations, ''),
    (count) => view.line(foundLine(count, watched, '')),
  )
}

function statusLine(view: ProgressView, status: WatchStatus, to: string[], named: string): void {
  if (status.state === 'watching')
    view.line(`Watching ${status.dir}${named} → ${to.length ? to.join(', ') : 'no destination'}`)
  if (status.state === 'unavailable')
    view.line(`Waiting for the folder${named}: ${status.error.message}`)
}

/** What the folder watchers are started with: an edit of one starts them again. */
const WATCHER_SETTINGS: readonly string[] = [
  'sources',
  'patterns',
  'includeSubfolders',
  'settleSeconds',
  'usePolling',
]

/** The settings an edit from outside changed. */
function changedKeys(next: Settings, previous: Settings): string[] {
  return (Object.keys(next) as (keyof Settings)[]).filter(
    (key) => !isDeepStrictEqual(next[key], previous[key]),
  )
}

function foundLine(count: number, folder: string, named: string): string {
  return `Found ${count} backup${count === 1 ? '' : 's'} in ${folder}${named}.`
}

/** Queues the files, waits until each is verified (or failed), and reports every one. */
export async function uploadCommand(
  engine: Engine,
  paths: string[],
  options: { connection?: string; json: boolean },
): Promise<void> {
  const files = await Promise.all(paths.map(sourceFileAt))
  const jobs = engine.uploads.offer(files, 'manual', options.connection)
  const view = new ProgressView()
  if (!options.json) {
    engine.uploads.on('progress', (job, progress) => view.progress(job, progress))
    // A job Dropbox asked to hold back may keep this command waiting: say until when.
    engine.uploads.on('job', (job) => {
      const waiting = engine.uploads.slowDown(job)
      if (waiting) view.job(job, waiting)
    })
  }
  const paused = engine.uploads.store.pausedScopes()
  if (paused.length > 0) {
    const what = paused.includes('*') ? 'All uploads are' : `Uploads to ${paused.join(', ')} are`
    process.stderr.write(`${what} paused; waiting for \`fermentrack-backup resume\`.\n`)
  }
  await engine.uploads.process()
  const interrupted = untilSignal().then(() => true)
  const settled = (job: Job) => FINISHED.includes(job.state) || waitsForReconnect(engine, job)
  let finished: Job[] = []
  while (!(await Promise.race([interrupted, sleep(200).then(() => false)]))) {
    // A file rewritten meanwhile is reported as its newest version's job.
    finished = jobs.map((job) => engine.uploads.store.latest(job.id)!)
    if (finished.every(settled)) break
  }
  await engine.close()
  if (finished.length === 0 || !finished.every(settled)) throw new AppError('interrupted')
  report(
    finished.map((job) => (FINISHED.includes(job.state) ? job : reconnectNeeded(engine, job))),
    options.json,
    view,
  )
  if (!finished.every((job) => job.state === 'done')) process.exitCode = 1
}

/**
 * A queued job whose connection must be signed in again cannot finish while we wait: it is
 * reported (and stays queued, resuming after a reconnect) rather than waited for forever.
 */
function waitsForReconnect(engine: Engine, job: Job): boolean {
  return job.state === 'queued' && reconnectReason(engine, job) !== undefined
}

/** needs_reauth or missing_permission: the connection's status, as the error a reconnect fixes. */
function reconnectReason(engine: Engine, job: Job): AppError | undefined {
  const status = engine.connections.list().find((c) => c.id === job.connectionId)?.status
  if (status === 'needs_reauth') return new AppError('needs_reauth')
  if (status === 'missing_permission')
    return new AppError('missing_permission', missingPermissionMessage())
  return undefined
}

function reconnectNeeded(engine: Engine, job: Job): Job {
  const error = reconnectReason(engine, job) ?? new AppError('needs_reauth')
  // The job's own error names the exact permission Dropbox asked for.
  if (job.errorCode === error.code && job.errorMessage) return job
  return { ...job, errorCode: error.code, errorMessage: error.message }
}

function report(jobs: Job[], json: boolean, view: ProgressView): void {
  if (json) {
    printJson(
      jobs.map((job) => ({
        file: job.path,
        job_id: job.id,
        connection_id: job.connectionId,
        status: job.state,
        remote_path: job.remotePath,
        content_hash: job.contentHash,
        checksum_algorithm: job.checksumAlgorithm,
        verified_by: job.verifiedBy,
        error:
          job.errorMessage && job.state !== 'done'
            ? { code: job.errorCode, message: job.errorMessage }
            : null,
      })),
    )
    return
  }
  for (const job of jobs) {
    if (job.state === 'done')
      view.line(`${job.path} → ${job.connectionId}:${job.remotePath} ${checksumText(job)}`)
    else view.line(`${job.path} → ${job.connectionId}: ${job.state}: ${job.errorMessage}`)
  }
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
}
