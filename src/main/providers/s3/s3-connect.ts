import { HeadBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3'
import { AppError, isAppError } from '../../../shared/app-error.ts'
import type { RoutedAgents } from '../../net/routed-agents.ts'
import type { ConnectRequest, Connected } from '../provider.ts'
import { s3Client } from './s3-client.ts'
import { codeOf, KEY_REFUSED, statusOf } from './s3-errors.ts'
import { configOf, settingsFromFields, type S3Settings } from './s3-settings.ts'

function accountOf(settings: S3Settings) {
  const id = `${settings.bucket}@${settings.endpoint}`
  return { id, name: settings.prefix ? `${id}/${settings.prefix}` : id, email: '' }
}

/** A refused check as one line naming the cause; the secret never appears in it. */
function refusal(error: unknown, settings: S3Settings): AppError {
  if (isAppError(error)) return error
  const status = statusOf(error)
  const code = codeOf(error)
  const where = `bucket "${settings.bucket}" at ${settings.endpoint}`
  if (status === undefined)
    return new AppError(
      'network',
      `${settings.endpoint} could not be reached (${(error as { code?: string }).code ?? code}).`,
      { cause: error },
    )
  if (KEY_REFUSED.includes(code))
    return new AppError(
      'invalid_credentials',
      `The S3 server refused the access key id or secret access key (${code}).`,
      { cause: error },
    )
  if (status === 403)
    return new AppError(
      'invalid_credentials',
      code === 'RequestTimeTooSkewed'
        ? "The S3 server refused the request because this computer's clock is more than 15 minutes off."
        : `The S3 server refused these access keys for ${where} (${code || '403 Forbidden'}).`,
      { cause: error },
    )
  if (code === 'NoSuchBucket' || status === 404)
    return new AppError(
      'connection_test_failed',
      `There is no ${where}: check the bucket name, the region and the endpoint.`,
      { cause: error },
    )
  if (status === 301 || code === 'PermanentRedirect' || code === 'AuthorizationHeaderMalformed')
    return new AppError(
      'connection_test_failed',
      `The ${where} lives in another region than "${settings.region}": check --region.`,
      { cause: error },
    )
  return new AppError(
    'connection_test_failed',
    `The S3 check of ${where} failed (${code || status}).`,
    { cause: error },
  )
}

/**
 * Checks what `connect s3` was given against the server: HeadBucket (the bucket exists and the
 * keys may use it), then a one-key ListObjectsV2 of the prefix (they may list it too). HEAD
 * answers carry no error code, so a refused HeadBucket is asked again by the listing, whose XML
 * says whether the key id or the signature (the secret) was wrong.
 */
export async function connectS3(
  request: ConnectRequest,
  agents?: RoutedAgents,
): Promise<Connected> {
  const settings = settingsFromFields(request.fields)
  const secretAccessKey =
    typeof request.fields['secret-access-key'] === 'string'
      ? request.fields['secret-access-key']
      : ''
  if (secretAccessKey === '')
    throw new AppError(
      'invalid_setting',
      'The secret access key is missing: enter it (with the CLI, on stdin: --secret-access-key-stdin).',
    )
  const client = s3Client(settings, { secretAccessKey }, agents)
  const list = () =>
    client.send(
      new ListObjectsV2Command({ Bucket: settings.bucket, Prefix: settings.prefix, MaxKeys: 1 }),
      {
        abortSignal: request.signal,
      },
    )
  try {
    await client
      .send(new HeadBucketCommand({ Bucket: settings.bucket }), { abortSignal: request.signal })
      .catch(async (error: unknown) => {
        if (statusOf(error) === 403) await list()
        throw error
      })
    await list()
  } catch (error) {
    throw refusal(error, settings)
  } finally {
    client.destroy()
  }
  return {
    account: accountOf(settings),
    space: null,
    config: configOf(settings),
    secret: { secretAccessKey },
  }
}

export function accountInfo(settings: S3Settings) {
  return { account: accountOf(settings), space: null }
}
