import { AppError } from '../../../shared/app-error.ts'
import { parseRetryAfter } from '../../net/retry-after.ts'

/** What Graph said went wrong: the status and its `{"error":{"code","message"}}`. */
export interface GraphFailure {
  status: number
  code: string
  message: string
  retryAfterMs: number | undefined
}

export async function readFailure(response: Response): Promise<GraphFailure> {
  const text = await response.text().catch(() => '')
  let error: { code?: unknown; message?: unknown } = {}
  try {
    error = (JSON.parse(text) as { error?: typeof error }).error ?? {}
  } catch {
    // Not Graph's JSON (a proxy's page): the status says enough.
  }
  return {
    status: response.status,
    code: typeof error.code === 'string' ? error.code : '',
    message: typeof error.message === 'string' ? error.message : '',
    retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
  }
}

/** The AppError a failure means for the queue (retry, wait, fail, reconnect). */
export function failureToError(failure: GraphFailure, what: string): AppError {
  const said = `OneDrive answered ${failure.status}${failure.code ? ` ${failure.code}` : ''} to ${what}${failure.message ? `: ${failure.message}` : '.'}`
  if (
    failure.status === 507 ||
    failure.code === 'insufficientStorage' ||
    failure.code === 'quotaLimitReached'
  )
    return new AppError('insufficient_space', `Your OneDrive is full (${what}).`)
  if (failure.status === 429 || failure.status === 503)
    return new AppError('rate_limited', said, { retryAfterMs: failure.retryAfterMs })
  if (failure.status === 401) return new AppError('needs_reauth', said)
  return new AppError('provider_error', said)
}
