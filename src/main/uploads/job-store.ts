import type { SQLInputValue } from 'node:sqlite'
import type { ErrorCode } from '../../shared/error-codes.ts'
import { baseName, IN_FLIGHT, JobReader, NOTHING_IN_FLIGHT, WAITING } from './job-reader.ts'
import { toJob, type Row } from './job-rows.ts'
import { recordRemoval } from './removals.ts'
import type { Job, JobState } from './job-types.ts'

export { ALL } from './job-reader.ts'

export type NewJob = Pick<
  Job,
  'path' | 'name' | 'size' | 'mtimeMs' | 'connectionId' | 'remoteFolder' | 'origin'
>

/**
 * The queue's writes: offers, and every state transition, each guarded by the state and version
 * its writer saw. Reads come from JobReader.
 */
export class JobStore extends JobReader {
  /**
   * Queues file versions for destinations, in one transaction, skipping those done already.
   * Returns, per offer, the job now responsible, or undefined if it was done already.
   */
  offerAll(jobs: NewJob[], now: number): Array<Job | undefined> {
    // Done files are told apart with a read first: a restart over thousands of uploaded backups
    // then writes (and syncs) nothing at all.
    const todo = jobs.filter((j) => !this.isDone(j.path, j.size, j.mtimeMs, j.connectionId))
    const offered = new Map<NewJob, Job | undefined>()
    if (todo.length)
      this.transaction(() => todo.forEach((job) => offered.set(job, this.offerOne(job, now))))
    return jobs.map((job) => offered.get(job))
  }

  /**
   * The job for this version, or a new one. A newer version never rewrites an existing job: one
   * waiting for another version is replaced, and one in flight goes on with its own version while
   * the new job waits behind it (see `runnable`).
   */
  private offerOne(job: NewJob, now: number): Job | undefined {
    if (this.isDone(job.path, job.size, job.mtimeMs, job.connectionId)) return undefined
    const waiting = this.openJobFor(job.path, job.connectionId, WAITING)
    if (waiting && sameVersion(waiting, job)) {
      const retry = waiting.state === 'failed' && job.origin === 'manual'
      return (retry && this.requeue(waiting, now)) || waiting
    }
    const inFlight = this.openJobFor(job.path, job.connectionId, IN_FLIGHT)
    if (inFlight && sameVersion(inFlight, job)) return inFlight
    // The waiting job leaves its slot (jobs_waiting) before the new one takes it.
    const replaced = waiting && this.transition(waiting, 'cancelled', SUPERSEDED, [now])
    const result = this.db
      .prepare(
        `INSERT INTO jobs (path, name, size, mtime_ms, connection_id, remote_folder, state, origin, queued_at)
         VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)`,
      )
      .run(
        job.path,
        job.name,
        job.size,
        job.mtimeMs,
        job.connectionId,
        job.remoteFolder,
        job.origin,
        now,
      )
    const id = Number(result.lastInsertRowid)
    if (replaced) this.pointTo(replaced.id, id)
    return this.get(id)
  }

  /**
   * Takes a queued job; undefined when it was not as `job` says any more (another process, or a
   * cancel, got there first) or an older version of its file is in flight: then leave it alone.
   */
  start(job: Held, now: number): Job | undefined {
    if (job.state !== 'queued') return undefined
    return this.transition(
      job,
      'uploading',
      `attempts = attempts + 1, started_at = ?`,
      [now],
      `AND ${NOTHING_IN_FLIGHT}`,
    )
  }

  setState(job: Held, state: 'verifying'): Job | undefined {
    return this.transition(job, state, '', [])
  }

  /** Not a transition: written only while the job is still as its uploader holds it. */
  saveResume(job: Held, resume: unknown): boolean {
    return this.update(job, 'resume = ?', [resume === undefined ? null : JSON.stringify(resume)])
  }

  setBytesDone(job: Held, bytesDone: number): boolean {
    return this.update(job, 'bytes_done = ?', [bytesDone])
  }

  /** Done; undefined when the job was changed meanwhile, e.g. cancelled: the cancel stands. */
  finish(
    job: Held,
    result: {
      remotePath: string
      checksum: { algorithm: string; value: string }
      verifiedBy: string
      renamed: boolean
      bytesPerSecond: number
    },
    now: number,
  ): Job | undefined {
    return this.transition(
      job,
      'done',
      `remote_path = ?, content_hash = ?, checksum_algorithm = ?, verified_by = ?, renamed = ?,
       bytes_per_second = ?, finished_at = ?, resume = NULL, bytes_done = size, error_code = NULL,
       error_message = NULL`,
      [
        result.remotePath,
        result.checksum.value,
        result.checksum.algorithm,
        result.verifiedBy,
        result.renamed ? 1 : 0,
        result.bytesPerSecond,
        now,
      ],
    )
  }

  /** Back to the queue, to start no earlier than `notBefore`, noting why. */
  postpone(
    job: Held,
    notBefore: number,
    error?: { code: ErrorCode; message: string },
    countAttempt = true,
  ): Job | undefined {
    return this.transaction(() =>
      this.leaveFlight(
        job,
        'queued',
        `not_before = ?, error_code = ?, error_message = ?, attempts = attempts - ?`,
        [notBefore, error?.code ?? null, error?.message ?? null, countAttempt ? 0 : 1],
        notBefore,
      ),
    )
  }

  fail(job: Held, error: { code: ErrorCode; message: string }, now: number): Job | undefined {
    return this.transaction(() =>
      this.leaveFlight(
        job,
        'failed',
        `error_code = ?, error_message = ?, finished_at = ?`,
        [error.code, error.message, now],
        now,
      ),
    )
  }

  /** A failed job goes back to the queue with a fresh count of attempts. */
  requeue(job: Held, now: number): Job | undefined {
    if (job.state !== 'failed') return undefined
    return this.transition(
      job,
      'queued',
      `attempts = 0, not_before = 0, queued_at = ?, finished_at = NULL, error_code = NULL,
       error_message = NULL`,
      [now],
    )
  }

  /**
   * The file is now another (settled) version than the one this job was queued for: a job for
   * that version, with its own count of attempts, replaces this one. Returns the new job, or
   * undefined when this one was changed meanwhile (e.g. cancelled).
   */
  supersede(job: Held, version: Pick<Job, 'size' | 'mtimeMs'>, now: number): Job | undefined {
    return this.transaction(() => {
      const old = this.get(job.id)
      if (!old || old.state !== job.state || old.version !== job.version) return undefined
      const offer = { ...old, size: version.size, mtimeMs: version.mtimeMs }
      const next =
        this.offerOne(offer, now) ??
        this.doneJob(offer.path, offer.size, offer.mtimeMs, offer.connectionId)!
      this.transition(job, 'cancelled', SUPERSEDED, [now])
      this.pointTo(job.id, next.id)
      return next
    })
  }

  /** The user's cancel wins from any unfinished state, whoever holds the job. */
  cancelOpen(connectionId: string, now: number): void {
    this.db
      .prepare(
        `UPDATE jobs SET state = 'cancelled', version = version + 1, finished_at = ?
         WHERE connection_id = ? AND state IN ('queued', 'uploading', 'verifying', 'failed')`,
      )
      .run(now, connectionId)
  }

  /**
   * After a crash: whatever was in flight is queued again, its resume state kept (or replaced,
   * if a newer version of its file waits). The new version numbers also stop a process that
   * still thinks it runs one of them from recording anything for it. The interrupted attempt is
   * given back, as a pause's is: a crash or a kill is not the upload failing, and counting it let
   * a few restarts use up a backup's tries before any real error.
   */
  recoverInterrupted(now: number): number {
    return this.transaction(() => {
      const rows = this.inFlight()
      for (const job of rows) this.leaveFlight(job, 'queued', GIVE_BACK_ATTEMPT, [], now)
      return rows.length
    })
  }

  /** Cancels a job that is not finished; true if it was. Wins from any unfinished state. */
  cancel(id: number, now: number): boolean {
    const result = this.db
      .prepare(
        `UPDATE jobs SET state = 'cancelled', version = version + 1, finished_at = ?, resume = NULL
         WHERE id = ? AND state IN ('queued', 'uploading', 'verifying', 'failed')`,
      )
      .run(now, id)
    return Number(result.changes) > 0
  }

  /**
   * Writes to the history that retention deleted `path` (`name` in `folder`): one removal row,
   * whoever had put the file there, and a mark on each done upload of it not marked yet. Returns
   * how many jobs were marked (0: a file this app did not upload).
   */
  markPruned(
    deletion: { connectionId: string; folder: string; name: string; path?: string; rule: string },
    now: number,
  ): number {
    const rows = this.db
      .prepare(
        `SELECT id, remote_path AS path FROM jobs WHERE state = 'done' AND connection_id = ?
         AND remote_folder = ? AND remote_path IS NOT NULL AND pruned_at IS NULL`,
      )
      .all(deletion.connectionId, deletion.folder) as Row[]
    const ids = rows.filter((r) => baseName(String(r.path)) === deletion.name).map((r) => r.id!)
    const mark = this.db.prepare('UPDATE jobs SET pruned_at = ?, pruned_by = ? WHERE id = ?')
    const path = deletion.path ?? `${deletion.folder.replace(/\/$/, '')}/${deletion.name}`
    this.transaction(() => {
      ids.forEach((id) => mark.run(now, deletion.rule, id))
      recordRemoval(this.db, { ...deletion, path, removedAt: now, uploadedByUs: ids.length > 0 })
    })
    return ids.length
  }

  pause(scope: string): void {
    this.db.prepare('INSERT OR IGNORE INTO pauses (scope) VALUES (?)').run(scope)
  }

  resume(scope: string): void {
    this.db.prepare('DELETE FROM pauses WHERE scope = ?').run(scope)
  }

  /**
   * The one way a job changes state: only from the state and version `job` has, bumping the
   * version. Returns the job as changed, or undefined when it was not as `job` says any more.
   */
  private transition(
    job: Held,
    state: JobState,
    set: string,
    args: SQLInputValue[],
    where = '',
  ): Job | undefined {
    // all(), not get(): get() stops at the returned row, and the autocommit that follows (where a
    // full disk fails) is then not reported: the change would seem made, yet be rolled back.
    const [row] = this.db
      .prepare(
        `UPDATE jobs SET state = ?, version = version + 1${set && `, ${set}`}
         WHERE id = ? AND state = ? AND version = ? ${where} RETURNING *`,
      )
      .all(state, ...args, job.id, job.state, job.version) as Row[]
    return row && toJob(row)
  }

  private update(job: Held, set: string, args: SQLInputValue[]): boolean {
    const result = this.db
      .prepare(`UPDATE jobs SET ${set} WHERE id = ? AND state = ? AND version = ?`)
      .run(...args, job.id, job.state, job.version)
    return Number(result.changes) > 0
  }

  /**
   * From flight back to waiting (queued or failed). If a newer version of the file was offered
   * meanwhile, it holds the waiting slot and this version is gone from disk: this job is
   * replaced by it instead. Runs inside a transaction.
   */
  private leaveFlight(
    job: Held,
    state: 'queued' | 'failed',
    set: string,
    args: SQLInputValue[],
    now: number,
  ): Job | undefined {
    const current = this.get(job.id)
    if (!current || current.state !== job.state || current.version !== job.version) return undefined
    const newer = this.openJobFor(current.path, current.connectionId, WAITING)
    if (!newer) return this.transition(job, state, set, args)
    const replaced = this.transition(job, 'cancelled', SUPERSEDED, [now])
    this.pointTo(job.id, newer.id)
    return replaced && this.get(job.id)
  }

  private pointTo(id: number, newer: number): void {
    this.db.prepare('UPDATE jobs SET superseded_by = ? WHERE id = ?').run(newer, id)
  }
}

const GIVE_BACK_ATTEMPT = 'attempts = MAX(attempts - 1, 0)'

/** A job as its holder last saw it: what a transition checks it against. */
export type Held = Pick<Job, 'id' | 'state' | 'version'>

/** How a replaced job ends (its SET clause; the one argument is the time). */
const SUPERSEDED = `finished_at = ?, resume = NULL, error_code = 'file_changed',
  error_message = 'A newer version of the file replaced this one before it was uploaded.'`

function sameVersion(a: Pick<Job, 'size' | 'mtimeMs'>, b: Pick<Job, 'size' | 'mtimeMs'>) {
  return a.size === b.size && a.mtimeMs === b.mtimeMs
}
