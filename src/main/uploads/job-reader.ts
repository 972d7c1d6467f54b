import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
// node:sqlite rather than better-sqlite3: it ships inside Node 24, which Electron 45 bundles, so
// there is no second native module to rebuild per Electron version and per platform.
import { DatabaseSync, type SQLInputValue } from 'node:sqlite'
import { migrate, toJob, type Row } from './job-rows.ts'
import { listRemovals, type RemovalQuery } from './removals.ts'
import { escapeLike } from './sql-like.ts'
import type { HistoryQuery, Job, JobState } from './job-types.ts'

/** Pausing everything is stored as this scope; a connection id pauses just that connection. */
export const ALL = '*'

/**
 * The durable queue and history, in FTB_HOME/queue.db, as read: what is done, due, in flight or
 * paused, and the history. JobStore adds the writes. WAL lets the CLI read and add jobs while the
 * queue's owner works; synchronous=FULL makes each committed step survive power loss too.
 */
export class JobReader {
  protected readonly db: DatabaseSync

  constructor(home: string) {
    mkdirSync(home, { recursive: true, mode: 0o700 })
    this.db = new DatabaseSync(join(home, 'queue.db'), { timeout: 10_000 })
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;')
    this.transaction(() => migrate(this.db))
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
      // A full disk or I/O error may have rolled the transaction back already: keep its error.
      if (this.db.isTransaction) this.db.exec('ROLLBACK')
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
   * Names of the files this destination holds a verified upload of, directly in `folder`:
   * retention's proof of a good copy. By folder and name, since a local folder's job records its
   * file-system path while listing it gives the remote-style path.
   */
  verifiedNames(connectionId: string, folder: string): Set<string> {
    const rows = this.db
      .prepare(
        `SELECT DISTINCT remote_path AS path FROM jobs WHERE state = 'done' AND connection_id = ?
         AND remote_folder = ? AND remote_path IS NOT NULL AND content_hash IS NOT NULL
         AND pruned_at IS NULL`,
      )
      .all(connectionId, folder) as Row[]
    return new Set(rows.map((r) => baseName(String(r.path))))
  }

  /** Names of files still on their way to `folder` at this destination (queued, uploading, verifying). */
  openNames(connectionId: string, folder: string): Set<string> {
    const rows = this.db
      .prepare(
        `SELECT DISTINCT name FROM jobs WHERE connection_id = ? AND remote_folder = ?
         AND state IN ('queued', 'uploading', 'verifying')`,
      )
      .all(connectionId, folder) as Row[]
    return new Set(rows.map((r) => String(r.name)))
  }

  get(id: number): Job | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as Row | undefined
    return row && toJob(row)
  }

  /** The job as it stands now, following replacements by newer versions of the file. */
  latest(id: number): Job | undefined {
    let job = this.get(id)
    while (job?.supersededBy != null) job = this.get(job.supersededBy)
    return job
  }

  /**
   * Jobs that may start now, oldest first, skipping paused scopes, excluded connections, and
   * newer versions of a file whose older version is still in flight (they would race it for the
   * remote name and its temp files).
   */
  runnable(now: number, exclude: string[], limit: number): Job[] {
    const paused = this.pausedScopes()
    if (paused.includes(ALL)) return []
    const skip = [...paused, ...exclude]
    const rows = this.db
      .prepare(
        `SELECT * FROM jobs WHERE state = 'queued' AND not_before <= ?
         AND connection_id NOT IN (SELECT value FROM json_each(?)) AND ${NOTHING_IN_FLIGHT}
         ORDER BY queued_at, id LIMIT ?`,
      )
      .all(now, JSON.stringify(skip), limit) as Row[]
    return rows.map(toJob)
  }

  /** The soonest time a queued job becomes due (ignoring pauses), for the scheduler's timer. */
  nextDue(): number | undefined {
    const row = this.db
      .prepare(
        `SELECT MIN(not_before) AS due FROM jobs WHERE state = 'queued' AND ${NOTHING_IN_FLIGHT}`,
      )
      .get() as Row
    return typeof row.due === 'number' ? row.due : undefined
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

  /** The most recent verified upload to a destination (a hash recorded), for `health`. */
  lastVerified(connectionId: string): Job | undefined {
    const row = this.db
      .prepare(
        `SELECT * FROM jobs WHERE state = 'done' AND connection_id = ? AND content_hash IS NOT NULL
         ORDER BY finished_at DESC, id DESC LIMIT 1`,
      )
      .get(connectionId) as Row | undefined
    return row && toJob(row)
  }

  /**
   * The newest verified upload that left a file at `remotePath` (a provider port path) on this
   * destination. Uploaders report the path as their destination names it, which for a local
   * folder is the path on disk; the port path is the job's remote folder plus that file name.
   */
  doneAt(connectionId: string, remotePath: string): Job | undefined {
    const name = remotePath.slice(remotePath.lastIndexOf('/') + 1)
    const like = `%${escapeLike(name)}`
    const rows = this.db
      .prepare(
        `SELECT * FROM jobs WHERE state = 'done' AND connection_id = ? AND remote_path LIKE ?
         ESCAPE '\\' ORDER BY finished_at DESC, id DESC`,
      )
      .all(connectionId, like) as Row[]
    return rows.map(toJob).find((job) => portPathOf(job) === remotePath)
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

  /** Queued jobs held back by a provider's rate limit until a later time, soonest first. */
  throttled(now: number, limit: number): Job[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM jobs WHERE state = 'queued' AND error_code = 'rate_limited' AND not_before > ?
         ORDER BY not_before, id LIMIT ?`,
      )
      .all(now, limit) as Row[]
    return rows.map(toJob)
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
      const like = `%${escapeLike(query.text)}%`
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

  /** Retention's deletions, newest first: each file it deleted, whoever had put it there. */
  removals(query: RemovalQuery = {}) {
    return listRemovals(this.db, query)
  }

  protected openJobFor(path: string, connectionId: string, states: string): Job | undefined {
    const row = this.db
      .prepare(`SELECT * FROM jobs WHERE path = ? AND connection_id = ? AND state IN ${states}`)
      .get(path, connectionId) as Row | undefined
    return row && toJob(row)
  }
}

export const WAITING = `('queued', 'failed')`
export const IN_FLIGHT = `('uploading', 'verifying')`

/** No job for an older version of the same file is being uploaded to the same destination. */
export const NOTHING_IN_FLIGHT = `NOT EXISTS (SELECT 1 FROM jobs AS f WHERE f.path = jobs.path
  AND f.connection_id = jobs.connection_id AND f.state IN ${IN_FLIGHT})`

/** Where the provider port sees a job's file: its remote folder and the name it was stored as. */
function portPathOf(job: Job): string | null {
  if (job.remotePath === null) return null
  const name = job.remotePath.split(/[\\/]/).pop()
  return `${job.remoteFolder.replace(/\/$/, '')}/${name}`
}

/** The file name of a remote path, or of a local folder's file-system path on any platform. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop()!
}
