import type { DatabaseSync, SQLInputValue } from 'node:sqlite'
import type { ErrorCode } from '../../shared/error-codes.ts'
import type { Job, JobState } from './job-types.ts'
import { REMOVALS_SCHEMA } from './removals.ts'

/** The queue's tables, and how a row becomes a Job. */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL,
  name TEXT NOT NULL,
  size INTEGER NOT NULL,
  -- stat mtimeMs exactly, fractions included, so an unchanged file compares equal
  mtime_ms REAL NOT NULL,
  connection_id TEXT NOT NULL,
  remote_folder TEXT NOT NULL,
  state TEXT NOT NULL,
  origin TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  not_before INTEGER NOT NULL DEFAULT 0,
  resume TEXT,
  bytes_done INTEGER NOT NULL DEFAULT 0,
  remote_path TEXT,
  content_hash TEXT,
  renamed INTEGER NOT NULL DEFAULT 0,
  error_code TEXT,
  error_message TEXT,
  queued_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  bytes_per_second REAL,
  version INTEGER NOT NULL DEFAULT 0,
  superseded_by INTEGER
);
CREATE INDEX IF NOT EXISTS jobs_done ON jobs(path, connection_id, size, mtime_ms) WHERE state = 'done';
CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state, not_before);
CREATE TABLE IF NOT EXISTS pauses (scope TEXT PRIMARY KEY);
`

/**
 * Columns added since the first release, as ALTER TABLE adds them to an existing queue.db (old
 * rows get the default). `version` counts a row's state transitions: each one is applied only
 * if the row still has the state and version its writer last saw, so no two writers (a cancel
 * and a finish, or two processes starting one job) can both apply. `superseded_by` points from
 * a job that a newer version of its file replaced to the job for that version.
 */
const ADDED_COLUMNS: Array<[name: string, definition: string]> = [
  ['version', 'INTEGER NOT NULL DEFAULT 0'],
  ['superseded_by', 'INTEGER'],
  // Verification became the provider's: which checksum the destination reported, and how.
  ['checksum_algorithm', 'TEXT'],
  ['verified_by', 'TEXT'],
  // Retention deleted the uploaded copy: when, and the policy that let it go ("keepLast=3").
  ['pruned_at', 'INTEGER'],
  ['pruned_by', 'TEXT'],
]

/**
 * Each job is one version (size and mtime) of a file, and a newer version is a new job, so a
 * file can have two unfinished jobs for a destination: one in flight (which finishes or fails on
 * its own version) and one waiting behind it. At most one of each: a newer version offered
 * while one waits replaces the waiting one. (These replace the first release's `jobs_open`,
 * which allowed one unfinished job in all and let a newer version rewrite it in place.)
 */
const OPEN_INDEXES = `
DROP INDEX IF EXISTS jobs_open;
CREATE UNIQUE INDEX IF NOT EXISTS jobs_waiting ON jobs(path, connection_id)
  WHERE state IN ('queued', 'failed');
CREATE UNIQUE INDEX IF NOT EXISTS jobs_in_flight ON jobs(path, connection_id)
  WHERE state IN ('uploading', 'verifying');
`

/** Brings a queue.db of any earlier release up to date; run inside a write transaction. */
export function migrate(db: DatabaseSync): void {
  db.exec(SCHEMA)
  const columns = db.prepare('PRAGMA table_info(jobs)').all() as Row[]
  for (const [name, definition] of ADDED_COLUMNS) {
    if (!columns.some((c) => c.name === name))
      db.exec(`ALTER TABLE jobs ADD COLUMN ${name} ${definition}`)
  }
  db.exec(OPEN_INDEXES)
  db.exec(REMOVALS_SCHEMA)
}

export type Row = Record<string, SQLInputValue>

export function toJob(row: Row): Job {
  return {
    id: Number(row.id),
    path: String(row.path),
    name: String(row.name),
    size: Number(row.size),
    mtimeMs: Number(row.mtime_ms),
    connectionId: String(row.connection_id),
    remoteFolder: String(row.remote_folder),
    state: row.state as JobState,
    origin: row.origin as Job['origin'],
    attempts: Number(row.attempts),
    notBefore: Number(row.not_before),
    resume: row.resume === null ? undefined : JSON.parse(String(row.resume)),
    bytesDone: Number(row.bytes_done),
    remotePath: row.remote_path === null ? null : String(row.remote_path),
    contentHash: row.content_hash === null ? null : String(row.content_hash),
    // Jobs finished before providers reported their checksum were all Dropbox content hashes.
    checksumAlgorithm:
      row.content_hash === null ? null : String(row.checksum_algorithm ?? 'dropbox-content-hash'),
    verifiedBy: row.verified_by == null ? null : String(row.verified_by),
    renamed: row.renamed === 1,
    errorCode: (row.error_code as ErrorCode | null) ?? null,
    errorMessage: row.error_message === null ? null : String(row.error_message),
    queuedAt: Number(row.queued_at),
    startedAt: row.started_at === null ? null : Number(row.started_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
    bytesPerSecond: row.bytes_per_second === null ? null : Number(row.bytes_per_second),
    version: Number(row.version),
    supersededBy: row.superseded_by === null ? null : Number(row.superseded_by),
    prunedAt: row.pruned_at == null ? null : Number(row.pruned_at),
    prunedBy: row.pruned_by == null ? null : String(row.pruned_by),
  }
}
