import { AppError } from '../shared/app-error.ts'
import { waitingText, type SlowDown } from '../shared/slow-down.ts'
import type { Engine } from '../main/engine.ts'
import { nudgeQueue } from '../main/uploads/queue-owner.ts'
import { JOB_STATES, type Job, type JobState } from '../main/uploads/job-types.ts'
import { removalText, type Removal } from '../main/uploads/removals.ts'
import { connectionLine, formatBytes, printJson } from './output.ts'

export async function statusCommand(engine: Engine, json: boolean): Promise<void> {
  const { store } = engine.uploads
  const status = {
    queue_running: await nudgeQueue(engine.home),
    paused: store.pausedScopes(),
    counts: store.counts(),
    connections: engine.connections.list(),
    local_destination: engine.uploads.localDestination(),
    transfers: store.inFlight().map((job) => ({
      job_id: job.id,
      name: job.name,
      connection_id: job.connectionId,
      bytes_done: job.bytesDone,
      size: job.size,
    })),
    waiting: engine.uploads.slowedDown().map(({ job, waiting }) => ({
      job_id: job.id,
      name: job.name,
      connection_id: job.connectionId,
      ...waitingJson(waiting),
    })),
  }
  if (json) return printJson(status)
  const counts = JOB_STATES.map((state) => `${status.counts[state]} ${state}`).join(', ')
  const out = [
    `Queue: ${counts}; ${status.queue_running ? 'a process is running it' : 'no process is running it'}.`,
    `Paused: ${status.paused.length ? status.paused.map((s) => (s === '*' ? 'everything' : s)).join(', ') : 'nothing'}.`,
    ...status.connections.map(connectionLine),
    ...(status.local_destination ? [`local     folder ${status.local_destination}`] : []),
    ...status.transfers.map(
      (t) =>
        `Uploading ${t.name} → ${t.connection_id}: ${formatBytes(t.bytes_done)} of ${formatBytes(t.size)}`,
    ),
    ...engine.uploads
      .slowedDown()
      .map(
        ({ job, waiting }) => `Waiting ${job.name} → ${job.connectionId}: ${waitingText(waiting)}`,
      ),
  ]
  process.stdout.write(out.join('\n') + '\n')
}

export function historyCommand(
  engine: Engine,
  options: {
    json: boolean
    status?: string
    limit?: string
    offset?: string
    connection?: string
    text?: string
  },
): void {
  const query = {
    status: options.status === undefined ? undefined : jobState(options.status),
    connectionId: options.connection,
    text: options.text,
    limit: count('--limit', options.limit, 50),
    offset: count('--offset', options.offset, 0),
  }
  const { jobs, total } = engine.uploads.history(query)
  // Retention's deletions are not jobs: listed beside them (none under a job --status filter).
  const deleted = query.status
    ? { removals: [], total: 0 }
    : engine.uploads.removals({ ...query, foreignOnly: !options.json })
  const waiting = (job: Job) => engine.uploads.slowDown(job)
  if (options.json) {
    return printJson({
      total,
      jobs: jobs.map((job) => jobJson(job, waiting(job))),
      removals: deleted.removals.map(removalJson),
      removals_total: deleted.total,
    })
  }
  if (total === 0 && deleted.total === 0) {
    const filtered = query.status ?? query.connectionId ?? query.text
    return void process.stdout.write(filtered ? 'No uploads match.\n' : 'No uploads yet.\n')
  }
  for (const job of jobs) process.stdout.write(historyLine(job, waiting(job)) + '\n')
  if (total > query.offset + jobs.length) {
    process.stdout.write(
      `… ${total - query.offset - jobs.length} more; use --offset ${query.offset + jobs.length}.\n`,
    )
  }
  // Ours are marked on their upload lines above; these had no upload of ours to mark.
  for (const removal of deleted.removals) process.stdout.write(removalLine(removal) + '\n')
}

export async function retryCommand(
  engine: Engine,
  target: string | undefined,
  allFailed: boolean,
): Promise<void> {
  if (allFailed === (target !== undefined))
    throw new AppError('usage', 'Usage: fermentrack-backup retry <job_id|--all-failed>.')
  const jobs = await engine.uploads.retry(allFailed ? 'all-failed' : count('job_id', target, 0))
  process.stdout.write(`Queued again: ${jobs.length} job${jobs.length === 1 ? '' : 's'}.\n`)
}

export async function pauseCommand(engine: Engine, pause: boolean, connection: string | undefined) {
  if (pause) await engine.uploads.pause(connection)
  else await engine.uploads.resume(connection)
  const what = connection ?? 'all uploads'
  process.stdout.write(`${pause ? 'Paused' : 'Resumed'} ${what}.\n`)
}

function jobJson(job: Job, waiting: SlowDown | undefined) {
  return {
    job_id: job.id,
    file: job.path,
    name: job.name,
    size: job.size,
    connection_id: job.connectionId,
    remote_path: job.remotePath,
    status: job.state,
    content_hash: job.contentHash,
    checksum_algorithm: job.checksumAlgorithm,
    verified_by: job.verifiedBy,
    attempts: job.attempts,
    queued_at: iso(job.queuedAt),
    started_at: iso(job.startedAt),
    finished_at: iso(job.finishedAt),
    bytes_per_second: job.bytesPerSecond,
    error: job.errorCode ? { code: job.errorCode, message: job.errorMessage } : null,
    /** The job for the newer version of the file that replaced this one. */
    superseded_by: job.supersededBy,
    /** Retention deleted the remote copy: when, and the policy that let it go. */
    pruned: job.prunedBy ? { at: iso(job.prunedAt), by: job.prunedBy } : null,
    waiting: waiting ? waitingJson(waiting) : null,
  }
}

function waitingJson(waiting: SlowDown) {
  return { until: iso(waiting.until), reason: waiting.reason, text: waitingText(waiting) }
}

function historyLine(job: Job, waiting: SlowDown | undefined): string {
  const when = iso(job.finishedAt ?? job.queuedAt)
    ?.slice(0, 19)
    .replace('T', ' ')
  const outcome =
    job.state === 'done'
      ? job.remotePath
      : waiting
        ? waitingText(waiting)
        : (job.errorMessage ?? '')
  const pruned = job.prunedBy ? `  (pruned by ${job.prunedBy})` : ''
  return `#${job.id}  ${job.state.padEnd(9)} ${when}  ${job.name} (${formatBytes(job.size)}) → ${job.connectionId}  ${outcome}${pruned}`
}

/** A file retention deleted; `uploaded_by_us: false` for one this app never uploaded. */
function removalJson(removal: Removal) {
  return {
    connection_id: removal.connectionId,
    folder: removal.folder,
    name: removal.name,
    path: removal.path,
    rule: removal.rule,
    text: removalText(removal),
    removed_at: iso(removal.removedAt),
    uploaded_by_us: removal.uploadedByUs,
  }
}

function removalLine(removal: Removal): string {
  const when = iso(removal.removedAt)!.slice(0, 19).replace('T', ' ')
  return `pruned     ${when}  ${removal.name} at ${removal.connectionId}  ${removal.path}  (${removalText(removal)})`
}

function jobState(value: string): JobState {
  if ((JOB_STATES as readonly string[]).includes(value)) return value as JobState
  throw new AppError('usage', `--status must be one of ${JOB_STATES.join(', ')}.`)
}

function count(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const number = Number(value)
  if (!Number.isInteger(number) || number < 0)
    throw new AppError('usage', `${name} must be a whole number.`)
  return number
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString()
}
