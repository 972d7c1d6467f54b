import { AppError } from '../../../shared/app-error.ts'
import { missingPermissionMessage } from '../../../shared/connection-status.ts'
import { printable } from '../../auth/callback-url.ts'
import { retryAfterMs } from '../../net/retry-after.ts'

/** A Dropbox error answer: JSON with a tag tree for 401/409/429, plain text for 400 and most 5xx. */
export interface DropboxFailure {
  status: number
  /** The first tag of the error union, e.g. "expired_access_token", "path". */
  tag: string | undefined
  summary: string
  body: unknown
  /** A 429's or 503's Retry-After (header or JSON retry_after), for the queue to wait out. */
  retryAfterMs?: number
}

export async function readFailure(response: Response): Promise<DropboxFailure> {
  const text = await response.text().catch(() => '')
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // 400 answers are plain text by design; keep the text.
  }
  const error = (body as { error?: { '.tag'?: string } } | null)?.error
  const summary = (body as { error_summary?: string } | null)?.error_summary ?? printable(text)
  // A 503 may say when to come back as well (RFC 9110 §10.2.3); other answers are not waits.
  const asks = response.status === 429 || response.status === 503
  const retryAfter = asks ? retryAfterMs(response.headers, text) : undefined
  return { status: response.status, tag: error?.['.tag'], summary, body, retryAfterMs: retryAfter }
}

/**
 * The scope a 401 missing_scope names (auth.stone TokenScopeError.required_scope), or undefined
 * for any other failure. A missing name still counts: the connection lacks some permission.
 */
export function missingScopeOf(failure: DropboxFailure): string | undefined {
  if (failure.status !== 401 || failure.tag !== 'missing_scope') return undefined
  const error = (failure.body as { error?: { required_scope?: unknown } } | null)?.error
  const scope = error?.required_scope
  return typeof scope === 'string' && scope !== '' ? printable(scope) : 'files.content.write'
}

/** Maps what is left after retries and token renewal to an error the user can act on. */
export function failureToError(failure: DropboxFailure, route: string): AppError {
  const { status, summary } = failure
  const scope = missingScopeOf(failure)
  if (scope !== undefined)
    return new AppError('missing_permission', missingPermissionMessage(scope))
  if (status === 401) return new AppError('needs_reauth')
  // Retries in the request ran out: the queue waits what the last answer asked for.
  if (status === 429)
    return new AppError('rate_limited', undefined, { retryAfterMs: failure.retryAfterMs })
  if (status >= 500)
    return new AppError(
      'provider_error',
      `Dropbox is having trouble (HTTP ${status}) with ${route}.`,
      { retryAfterMs: failure.retryAfterMs },
    )
  return new AppError(
    'provider_error',
    `Dropbox refused ${route} (HTTP ${status}: ${printable(summary)}).`,
  )
}
