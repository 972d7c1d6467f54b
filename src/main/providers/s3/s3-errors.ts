import { AppError, isAppError } from '../../../shared/app-error.ts'
import { parseRetryAfter } from '../../net/retry-after.ts'

/** What the SDK throws: a service error carries the S3 code as `name` and the HTTP status. */
interface SdkError {
  name?: string
  message?: string
  code?: string
  $metadata?: { httpStatusCode?: number }
  $response?: { headers?: Record<string, string | undefined> }
}

/** Codes S3 uses for an unknown or wrong key pair (the S3 API reference, "Error responses"). */
export const KEY_REFUSED = ['InvalidAccessKeyId', 'SignatureDoesNotMatch']

export function statusOf(error: unknown): number | undefined {
  return (error as SdkError | undefined)?.$metadata?.httpStatusCode
}

export function codeOf(error: unknown): string {
  return (error as SdkError | undefined)?.name ?? ''
}

function retryAfterMs(error: SdkError): number | undefined {
  return parseRetryAfter(error.$response?.headers?.['retry-after'])
}

/**
 * An S3 failure as the AppError the queue acts on. `rejected` marks the connection as needing a
 * reconnect when the stored keys are refused; the 403 of a skewed clock is not the keys' fault.
 */
export async function s3Failure(
  error: unknown,
  doing: string,
  rejected?: () => Promise<void>,
): Promise<AppError> {
  if (isAppError(error)) return error
  const sdk = (error ?? {}) as SdkError
  const status = statusOf(error)
  const code = codeOf(error)
  const detail = `S3 ${doing}: ${code || 'error'} (${status ?? 'no answer'}).`
  if (status === undefined)
    return new AppError(
      'network',
      `The S3 endpoint could not be reached (${sdk.code ?? code ?? 'error'}) while ${doing}.`,
      { cause: error },
    )
  if (code === 'RequestTimeTooSkewed')
    return new AppError(
      'provider_error',
      "The S3 server refused the request because this computer's clock is more than 15 minutes off; set the clock right.",
      { cause: error },
    )
  if (status === 403) {
    await rejected?.()
    return new AppError(
      'needs_reauth',
      `The S3 server refused the stored access keys (${code || '403'}) while ${doing}; connect again with a valid key pair.`,
      { cause: error },
    )
  }
  if (code === 'SlowDown' || status === 503 || status === 429)
    return new AppError('rate_limited', detail, { cause: error, retryAfterMs: retryAfterMs(sdk) })
  if (code === 'EntityTooLarge')
    return new AppError(
      'file_too_large',
      'The S3 server refused the file as too large (EntityTooLarge); S3 takes at most 5 TiB.',
      { cause: error },
    )
  if (code === 'NoSuchBucket')
    return new AppError(
      'destination_unavailable',
      `The bucket does not exist at this endpoint (NoSuchBucket) while ${doing}.`,
      { cause: error },
    )
  if (code === 'BadDigest' || code === 'XAmzContentSHA256Mismatch')
    return new AppError('verification_failed', detail, { cause: error })
  if (code === 'QuotaExceeded' || code === 'XMinioAdminBucketQuotaExceeded')
    return new AppError('insufficient_space', detail, { cause: error })
  return new AppError('provider_error', detail, { cause: error })
}
