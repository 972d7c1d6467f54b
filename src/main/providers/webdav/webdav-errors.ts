import { AppError } from '../../../shared/app-error.ts'
import { cannotReach, retryAfterMs } from '../../net/fetch-with-retry.ts'

/** A WebDAV answer this app did not expect, as an error whose code tells the queue what to do. */
export function statusError(response: Response, what: string): AppError {
  const { status } = response
  const detail = `The WebDAV server answered ${status} to ${what}.`
  switch (status) {
    case 401:
      return new AppError('needs_reauth', `The WebDAV server refused the password (${what}).`)
    case 403:
      return new AppError('destination_unavailable', `The WebDAV server forbids ${what} (403).`)
    case 413:
      return new AppError(
        'file_too_large',
        `The WebDAV server refused the file as too large (413).`,
      )
    // RFC 4918 §11.5: 507 Insufficient Storage, the quota or the disk is full.
    case 507:
      return new AppError('insufficient_space', `The WebDAV server is out of space (507).`)
    case 429: {
      const wait = retryAfterMs(response.headers, '')
      return new AppError('rate_limited', detail, { retryAfterMs: wait })
    }
    // 423 Locked (RFC 4918 §11.3): someone else holds a lock; it is released in time.
    case 423:
      return new AppError('provider_error', `${what} hit a WebDAV lock (423).`)
    default:
      return new AppError('provider_error', detail)
  }
}

/** A request that got no answer: aborts pass through (the queue tells a cancel by them). */
export function transportError(url: string, error: unknown, signal?: AbortSignal): unknown {
  if (signal?.aborted || error instanceof AppError) return error
  if (error instanceof Error && error.name === 'AbortError') return error
  // A failed read of the file being sent reaches us as fetch's TypeError with it as the cause.
  const cause = (error as { cause?: unknown } | undefined)?.cause
  if (cause instanceof AppError) return cause
  return cannotReach(url, error)
}

/** An error opening or reading the backup file being uploaded. */
export function sourceError(path: string, error: unknown): unknown {
  if (error instanceof AppError || (error instanceof Error && error.name === 'AbortError'))
    return error
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return new AppError('file_missing', `"${path}" no longer exists.`, { cause: error })
  if (code === 'EACCES' || code === 'EPERM')
    return new AppError('permission_denied', `"${path}" cannot be read.`, { cause: error })
  return new AppError('file_changed', `Reading "${path}" failed (${code ?? String(error)}).`, {
    cause: error,
  })
}
