import { ERROR_CODES, type ErrorCode, type ErrorPayload } from './error-codes.ts'

/** An error a user can act on: a stable code, plus a message that names the cause and the fix. */
export class AppError extends Error {
  readonly code: ErrorCode

  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown }) {
    const { cause, fix } = ERROR_CODES[code]
    super(`${detail ?? cause} ${fix}`, options)
    this.name = 'AppError'
    this.code = code
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
