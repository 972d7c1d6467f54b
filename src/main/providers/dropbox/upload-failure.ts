import { AppError } from '../../../shared/app-error.ts'
import type { DropboxFailure } from './dropbox-errors.ts'

/** The part of an upload route's 409 that decides what to do next. */
export interface UploadFailure {
  /** The deciding tag: inside the `path` (WriteError) or `lookup_failed` wrapper when present. */
  tag: string
  /** UploadSessionLookupError.incorrect_offset: what the server really holds. */
  correctOffset: number | undefined
  /** UploadWriteFailed: files/upload keeps the bytes in this session after a failed commit. */
  uploadSessionId: string | undefined
  failure: DropboxFailure
}

type Union = Record<string, unknown> & { '.tag'?: unknown }

function union(value: unknown): Union {
  return value !== null && typeof value === 'object' ? (value as Union) : {}
}

/**
 * files.stone shapes: upload → {path: UploadWriteFailed{reason: WriteError, upload_session_id}},
 * append → UploadSessionLookupError, finish → {lookup_failed: …} | {path: WriteError} | ….
 */
export function uploadFailureOf(failure: DropboxFailure): UploadFailure {
  const error = union(union(failure.body).error)
  const outer = error['.tag']
  const inner =
    outer === 'path'
      ? union(error.reason ?? error.path)
      : outer === 'lookup_failed'
        ? union(error.lookup_failed)
        : error
  const tag = inner['.tag'] ?? outer
  const offset = inner.correct_offset
  const session = error.upload_session_id
  return {
    tag: typeof tag === 'string' ? tag : 'unknown',
    correctOffset: typeof offset === 'number' ? offset : undefined,
    uploadSessionId: typeof session === 'string' ? session : undefined,
    failure,
  }
}

/** What is left once the uploader has handled the recoverable tags. */
export function uploadFailureToError(failure: UploadFailure, route: string): AppError {
  const summary = failure.failure.summary
  switch (failure.tag) {
    case 'insufficient_space':
      return new AppError('insufficient_space')
    case 'too_large':
      return new AppError('file_too_large')
    case 'too_many_write_operations':
      return new AppError('rate_limited', 'Dropbox is busy writing to this account.')
    case 'no_write_permission':
    case 'team_folder':
    case 'access_restricted':
      return new AppError('destination_unavailable', `Dropbox refused the write (${summary}).`)
    case 'malformed_path':
    case 'disallowed_name':
      return new AppError('provider_error', `Dropbox refuses this file name (${summary}).`)
    default:
      return new AppError('provider_error', `Dropbox refused ${route} (HTTP 409: ${summary}).`)
  }
}
