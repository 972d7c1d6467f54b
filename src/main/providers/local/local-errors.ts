import { AppError } from '../../../shared/app-error.ts'

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code
}

/** Aborts pass through untouched: the queue tells a cancel from a failure by them. */
function passThrough(error: unknown): boolean {
  return error instanceof AppError || (error instanceof Error && error.name === 'AbortError')
}

/** An error reading the backup file being uploaded. */
export function sourceError(path: string, error: unknown): unknown {
  if (passThrough(error)) return error
  const code = errnoCode(error)
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') {
    return new AppError('file_missing', `"${path}" no longer exists.`, { cause: error })
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new AppError('permission_denied', `"${path}" cannot be read.`, { cause: error })
  }
  // An I/O error (a failing SD card, a share gone away). No code says "read error"; file_changed
  // makes the queue wait and try again, which is the useful thing to do.
  return new AppError('file_changed', `Reading "${path}" failed (${code ?? String(error)}).`, {
    cause: error,
  })
}

/** An error creating, writing or reading back a file under the destination folder. */
export function destinationError(path: string, error: unknown): unknown {
  if (passThrough(error)) return error
  const code = errnoCode(error)
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new AppError('insufficient_space', `No space left on the destination for "${path}".`, {
        cause: error,
      })
    case 'ENOENT':
    case 'ENOTDIR':
      return new AppError(
        'destination_unavailable',
        `"${path}" is missing (removed, or the share was unmounted).`,
        { cause: error },
      )
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new AppError('destination_unavailable', `"${path}" cannot be written (${code}).`, {
        cause: error,
      })
    default:
      return new AppError(
        'destination_unavailable',
        `Writing "${path}" failed (${code ?? String(error)}).`,
        { cause: error },
      )
  }
}

/** The configured destination root itself is missing: it is never created (an unmounted NAS). */
export function missingRootError(root: string, error?: unknown): AppError {
  return new AppError(
    'destination_unavailable',
    `The destination folder "${root}" does not exist or is not a folder (a NAS share that is not mounted?); it is not created automatically.`,
    { cause: error },
  )
}

export function isErrno(error: unknown, ...codes: string[]): boolean {
  const code = errnoCode(error)
  return code !== undefined && codes.includes(code)
}
