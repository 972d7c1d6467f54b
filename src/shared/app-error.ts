import { ERROR_CODES, type ErrorCode, type ErrorPayload } from './error-codes.ts'

/** An error a user can act on: a stable code, plus a message that names the cause and the fix. */
export class AppError extends Error {
  readonly code: ErrorCode
  /**
   * How long the provider asked us to wait before trying again (a 429's Retry-After): the queue
   * holds the job that long instead of using its own backoff, and does not count it as a failure.
   */
  readonly retryAfterMs: number | undefined

  constructor(
    code: ErrorCode,
    detail?: string,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    const { cause, fix } = ERROR_CODES[code]
    super(`${detail ?? cause} ${fix}`, options)
    this.name = 'AppError'
    this.code = code
    this.retryAfterMs = options?.retryAfterMs
  }

  /** Rebuilds an error that crossed a process boundary, keeping its exact message. */
  static fromPayload(payload: ErrorPayload): AppError {
    const error = new AppError(payload.code)
    error.message = payload.message
    return error
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message }
  }
}

export function isAppError(error: unknown, code?: ErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code)
}
