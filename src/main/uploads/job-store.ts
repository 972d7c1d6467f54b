import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
// node:sqlite rather than better-sqlite3: it ships inside Node 24, which Electron 45 bundles, so
// there is no second native module to rebuild per Electron version and per platform.
import { DatabaseSync, type SQLInputValue } from 'node:sqlite'
import type { ErrorCode } from '../../shared/error-codes.ts'
import { SCHEMA, toJob, type Row } from './job-rows.ts'
import { FINISHED, type HistoryQuery, type Job, type JobState } from './job-types.ts'

/** Pausing everything is stored as this scope; a connection id pauses just that connection. */
export const ALL = '*'

export type NewJob = Pick<
  Job,
  'path' | 'name' | 'size' | 'mtimeMs' | 'connectionId' | 'remoteFolder' | 'origin'
>

/**
 * The durable queue and history, in FTB_HOME/queue.db. WAL lets the CLI read and add jobs while
 * the queue's owner works; synchronous=FULL makes each committed step survive power loss too.
 */
export class JobStore {
  private readonly db: DatabaseSync

  constructor(home: string) {
    mkdirSync(home, { recursive: true, mode: 0o700 })
    this.db = new DatabaseSync(join(home, 'queue.db'), { timeout: 10_000 })
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;')
    this.db.exec(SCHEMA)
  }

  close(): void {
    this.db.close()
  }

  transaction<T>(work: () => T): T {
    this.db.exec('BEGIN IMMEDIATE')
    try {
      const result = work()
      this.db.exec('COMMIT')
      return result
    } catch (error) {
      this.db.exec('ROLLBACK')
      throw error
    }
  }

  /** Already uploaded and verified to this destination: same path, size, mtime and a hash. */
  isDone(path: string, size: number, mtimeMs: number, connectionId: string): boolean {
    return !!this.db
      .prepare(
        `SELECT 1 FROM jobs WHERE state = 'done' AND path = ? AND connection_id = ? AND size = ?
         AND mtime_ms = ? AND content_hash IS NOT NULL LIMIT 1`,
      )
      .get(path, connectionId, size, mtimeMs)
  }

  /**
   * Queues file versions for destinations, in one transaction, skipping those done already. An
   * unfinished job for the same file takes a new version over (and forgets its old upload
   * session). Returns, per offer, the job now responsible, or undefined if it was done already.
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

  private offerOne(job: NewJob, now: number): Job | undefined {
    if (this.isDone(job.path, job.size, job.mtimeMs, job.connectionId)) return undefined
    const open = this.openJobFor(job.path, job.connectionId)
    if (open && open.size === job.size && open.mtimeMs === job.mtimeMs) {
      return open.state === 'failed' && job.origin === 'manual' ? this.requeue(open.id, now) : open
    }
    if (open) {
      this.db
        .prepare(
          `UPDATE jobs SET size = ?, mtime_ms = ?, resume = NULL, bytes_done = 0, not_before = 0,
           state = CASE state WHEN 'failed' THEN 'queued' ELSE state END WHERE id = ?`,
        )
        .run(job.size, job.mtimeMs, open.id)
      return this.get(open.id)
    }
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
    return this.get(Number(result.lastInsertRowid))
  }

  get(id: number): Job | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as Row | undefined
    return row && toJob(row)
  }

  /** Jobs that may start now, oldest first, skipping paused scopes and excluded connections. */
  runnable(now: number, exclude: string[], limit: number): Job[] {
    const paused = this.pausedScopes()
    if (paused.includes(ALL)) return []
    const skip = [...paused, ...exclude]
    const rows = this.db
      .prepare(
        `SELECT * FROM jobs WHERE state = 'queued' AND not_before <= ?
         AND connection_id NOT IN (SELECT value FROM json_each(?)) ORDER BY queued_at, id LIMIT ?`,
      )
      .all(now, JSON.stringify(skip), limit) as Row[]
    return rows.map(toJob)
  }

  /** The soonest time a queued job becomes due (ignoring pauses), for the scheduler's timer. */
  nextDue(): number | undefined {
    const row = this.db
      .prepare(`SELECT MIN(not_before) AS due FROM jobs WHERE state = 'queued'`)
      .get() as Row
    return typeof row.due === 'number' ? row.due : undefined
  }

  start(id: number, now: number): void {
    this.db
      .prepare(
        `UPDATE jobs SET state = 'uploading', attempts = attempts + 1, started_at = ? WHERE id = ?`,
      )
      .run(now, id)
  }

  setState(id: number, state: JobState): void {
    this.db.prepare('UPDATE jobs SET state = ? WHERE id = ?').run(state, id)
  }

  saveResume(id: number, resume: unknown): void {
    this.db
      .prepare('UPDATE jobs SET resume = ? WHERE id = ?')
      .run(resume === undefined ? null : JSON.stringify(resume), id)
  }

  setBytesDone(id: number, bytesDone: number): void {
    this.db.prepare('UPDATE jobs SET bytes_done = ? WHERE id = ?').run(bytesDone, id)
  }

  setVersion(id: number, size: number, mtimeMs: number): void {
    this.db
      .prepare('UPDATE jobs SET size = ?, mtime_ms = ?, resume = NULL, bytes_done = 0 WHERE id = ?')
      .run(size, mtimeMs, id)
  }

  finish(
    id: number,
    result: { remotePath: string; contentHash: string; renamed: boolean; bytesPerSecond: number },
    now: number,
  ): void {
    this.db
      .prepare(
        `UPDATE jobs SET state = 'done', remote_path = ?, content_hash = ?, renamed = ?, bytes_per_second = ?,
         finished_at = ?, resume = NULL, bytes_done = size, error_code = NULL, error_message = NULL WHERE id = ?`,
      )
      .run(
        result.remotePath,
        result.contentHash,
        result.renamed ? 1 : 0,
        result.bytesPerSecond,
        now,
        id,
      )
  }

  /** Back to the queue, to start no earlier than `notBefore`, noting why. */
  postpone(
    id: number,
    notBefore: number,
    error?: { code: ErrorCode; message: string },
    countAttempt = true,
  ): void {
    this.db
      .prepare(
        `UPDATE jobs SET state = 'queued', not_before = ?, error_code = ?, error_message = ?,
         attempts = attempts - ? WHERE id = ? AND state != 'cancelled'`,
      )
      .run(notBefore, error?.code ?? null, error?.message ?? null, countAttempt ? 0 : 1, id)
  }

  fail(id: number, error: { code: ErrorCode; message: string }, now: number): void {
    this.db
      .prepare(
        `UPDATE jobs SET state = 'failed', error_code = ?, error_message = ?, finished_at = ?
         WHERE id = ? AND state != 'cancelled'`,
      )
      .run(error.code, error.message, now, id)
  }

  /** A failed job goes back to the queue with a fresh count of attempts. */
  requeue(id: number, now: number): Job | undefined {
    this.db
      .prepare(
        `UPDATE jobs SET state = 'queued', attempts = 0, not_before = 0, queued_at = ?, finished_at = NULL,
         error_code = NULL, error_message = NULL WHERE id = ? AND state = 'failed'`,
      )
      .run(now, id)
    return this.get(id)
  }

  doneJob(path: string, size: number, mtimeMs: number, connectionId: string): Job | undefined {
    const row = this.db
      .prepare(
        `SELECT * FROM jobs WHERE state = 'done' AND path = ? AND connection_id = ? AND size = ?
         AND mtime_ms = ? ORDER BY id DESC LIMIT 1`,
      )
      .get(path, connectionId, size, mtimeMs) as Row | undefined
    return row && toJob(row)
  }

  cancelOpen(connectionId: string, now: number): void {
    this.db
      .prepare(
        `UPDATE jobs SET state = 'cancelled', finished_at = ? WHERE connection_id = ?
         AND state IN ('queued', 'uploading', 'verifying', 'failed')`,
      )
      .run(now, connectionId)
  }

  destinationsWithOpenJobs(): string[] {
    const rows = this.db
      .prepare(`SELECT DISTINCT connection_id AS id FROM jobs WHERE state = 'queued'`)
      .all() as Row[]
    return rows.map((r) => String(r.id))
  }

  failedIds(): number[] {
    return (this.db.prepare(`SELECT id FROM jobs WHERE state = 'failed'`).all() as Row[]).map((r) =>
      Number(r.id),
    )
  }

  /** After a crash: whatever was in flight is queued again; its resume state is kept. */
  recoverInterrupted(): number {
    const result = this.db
      .prepare(`UPDATE jobs SET state = 'queued' WHERE state IN ('uploading', 'verifying')`)
      .run()
    return Number(result.changes)
  }

  /** Cancels a job that is not finished; true if it was. */
  cancel(id: number, now: number): boolean {
    const result = this.db
      .prepare(
        `UPDATE jobs SET state = 'cancelled', finished_at = ?, resume = NULL
         WHERE id = ? AND state IN ('queued', 'uploading', 'verifying', 'failed')`,
      )
      .run(now, id)
    return Number(result.changes) > 0
  }

  pause(scope: string): void {
    this.db.prepare('INSERT OR IGNORE INTO pauses (scope) VALUES (?)').run(scope)
  }

  resume(scope: string): void {
    this.db.prepare('DELETE FROM pauses WHERE scope = ?').run(scope)
  }

  pausedScopes(): string[] {
    return (this.db.prepare('SELECT scope FROM pauses').all() as Row[]).map((r) => String(r.scope))
  }

  counts(): Record<JobState, number> {
    const counts = { queued: 0, uploading: 0, verifying: 0, done: 0, failed: 0, cancelled: 0 }
    for (const row of this.db
      .prepare('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state')
      .all() as Row[]) {
      counts[row.state as JobState] = Number(row.n)
    }
    return counts
  }

  inFlight(): Job[] {
    return (
      this.db.prepare(`SELECT * FROM jobs WHERE state IN ('uploading', 'verifying')`).all() as Row[]
    ).map(toJob)
  }

  history(query: HistoryQuery = {}): { jobs: Job[]; total: number } {
    const where: string[] = []
    const args: SQLInputValue[] = []
    const filter = (clause: string, ...values: SQLInputValue[]) => {
      where.push(clause)
      args.push(...values)
    }
    if (query.status) filter('state = ?', query.status)
    if (query.connectionId) filter('connection_id = ?', query.connectionId)
    if (query.text) {
      const like = `%${query.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
      filter(`(name LIKE ? ESCAPE '\\' OR remote_path LIKE ? ESCAPE '\\')`, like, like)
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : ''
    const total = Number(
      (this.db.prepare(`SELECT COUNT(*) AS n FROM jobs ${clause}`).get(...args) as Row).n,
    )
    const rows = this.db
      .prepare(`SELECT * FROM jobs ${clause} ORDER BY queued_at DESC, id DESC LIMIT ? OFFSET ?`)
      .all(...args, query.limit ?? 50, query.offset ?? 0) as Row[]
    return { jobs: rows.map(toJob), total }
  }

  isFinished(id: number): boolean {
    const job = this.get(id)
    return !job || FINISHED.includes(job.state)
  }

  private openJobFor(path: string, connectionId: string): Job | undefined {
    const row = this.db
      .prepare(
        `SELECT * FROM jobs WHERE path = ? AND connection_id = ?
         AND state IN ('queued', 'uploading', 'verifying', 'failed')`,
      )
      .get(path, connectionId) as Row | undefined
    return row && toJob(row)
  }
}
