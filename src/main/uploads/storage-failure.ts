import { AppError, isAppError } from '../../shared/app-error.ts'

/** What node:sqlite puts on its errors: SQLITE_FULL, SQLITE_IOERR, SQLITE_READONLY … */
interface SqliteError {
  code?: unknown
  errstr?: unknown
  message?: unknown
}

/**
 * The queue's database could not be written (or read): disk full, read-only, I/O error. Such a
 * failure is about FTB_HOME, not about the job in hand, so it never counts against a job.
 */
export function isStorageFailure(error: unknown): boolean {
  if (isAppError(error)) return error.code === 'queue_storage_failed'
  return (error as SqliteError | undefined)?.code === 'ERR_SQLITE_ERROR'
}

/** The user-facing form: SQLite's own words for the cause ("database or disk is full"), and the fix. */
export function storageFailure(error: unknown): AppError {
  if (isAppError(error, 'queue_storage_failed')) return error
  const { errstr, message } = (error ?? {}) as SqliteError
  const said = typeof errstr === 'string' ? errstr : typeof message === 'string' ? message : ''
  return new AppError(
    'queue_storage_failed',
    `The upload queue could not be saved in FTB_HOME${said ? ` (${said})` : ''}.`,
    { cause: error },
  )
}
