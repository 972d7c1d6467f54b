import { AppError } from '../../../shared/app-error.ts'
import { retryAfterMs } from '../../net/retry-after.ts'

/** Sabre's <s:message> from a WebDAV error body, for the one line a user sees. */
function sabreMessage(body: string): string | undefined {
  return /<s:message>([^<]*)<\/s:message>/.exec(body)?.[1]?.trim() || undefined
}

/**
 * A Nextcloud answer we did not expect, as the AppError whose code tells the queue what to do.
 * 401 is handled before this (it marks the connection); `what` names the step ("uploading x").
 */
export function nextcloudError(response: Response, body: string, what: string): AppError {
  const said = sabreMessage(body)
  const detail = `Nextcloud answered ${response.status} when ${what}${said ? `: ${said}` : ''}.`
  switch (response.status) {
    case 400:
      // Nextcloud hashed what arrived and it differs from OC-Checksum: the bytes were damaged.
      return /checksum/i.test(said ?? '')
        ? new AppError('verification_failed', detail)
        : new AppError('provider_error', detail)
    case 404:
      return new AppError('remote_not_found', detail)
    case 403:
    case 409:
      return new AppError('destination_unavailable', detail)
    case 413:
      return new AppError('file_too_large', detail)
    case 429:
      return new AppError('rate_limited', detail, {
        retryAfterMs: retryAfterMs(response.headers, body),
      })
    case 507:
      return new AppError('insufficient_space', detail)
    // Maintenance mode answers 503, possibly with when to come back: the queue waits that long.
    case 503:
      return new AppError('provider_error', detail, {
        retryAfterMs: retryAfterMs(response.headers, body),
      })
    default:
      return new AppError('provider_error', detail)
  }
}
