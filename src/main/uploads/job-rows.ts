import type { SQLInputValue } from 'node:sqlite'
import type { ErrorCode } from '../../shared/error-codes.ts'
import type { Job, JobState } from './job-types.ts'

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
  bytes_per_second REAL
);
-- At most one unfinished job per file and destination: a newer version of the file takes it over.
CREATE UNIQUE INDEX IF NOT EXISTS jobs_open ON jobs(path, connection_id)
  WHERE state IN ('queued', 'uploading', 'verifying', 'failed');
CREATE INDEX IF NOT EXISTS jobs_done ON jobs(path, connection_id, size, mtime_ms) WHERE state = 'done';
CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state, not_before);
CREATE TABLE IF NOT EXISTS pauses (scope TEXT PRIMARY KEY);
`

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
    renamed: row.renamed === 1,
    errorCode: (row.error_code as ErrorCode | null) ?? null,
    errorMessage: row.error_message === null ? null : String(row.error_message),
    queuedAt: Number(row.queued_at),
    startedAt: row.started_at === null ? null : Number(row.started_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
    bytesPerSecond: row.bytes_per_second === null ? null : Number(row.bytes_per_second),
  }
}
