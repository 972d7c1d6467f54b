import { S3Client } from '@aws-sdk/client-s3'
import { AppError } from '../../../shared/app-error.ts'
import type { RoutedAgents } from '../../net/routed-agents.ts'
import type { Credentials } from '../provider.ts'
import { settingsFromConfig, type S3Settings } from './s3-settings.ts'

/** The stored secret half of the key pair (the secret store holds `{secretAccessKey}`). */
export interface S3Secret {
  secretAccessKey: string
}

export interface S3Access {
  client: S3Client
  settings: S3Settings
}

/**
 * One SDK client for a connection. Settings chosen for S3-compatible servers:
 * - a custom endpoint and optional path-style addressing (MinIO, Ceph, loopback tests);
 * - checksums only when we ask for them: the SDK's default since 3.729 sends CRC32 in aws-chunked
 *   bodies, which several S3-compatible servers (and s3rver) do not understand;
 * - no SDK retries: the upload queue retries with its own backoff and honours Retry-After, and
 *   a part that failed is resumed from the saved state rather than re-sent blind;
 * - the engine's agents (ProviderContext.agents) when given, so S3 takes the proxy route too: the
 *   SDK builds its NodeHttpHandler from them.
 */
export function s3Client(settings: S3Settings, secret: S3Secret, agents?: RoutedAgents): S3Client {
  return new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: settings.pathStyle,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: secret.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
    ...(agents ? { requestHandler: { httpAgent: agents.http, httpsAgent: agents.https } } : {}),
  })
}

export function s3Access(credentials: Credentials, agents?: RoutedAgents): S3Access {
  const secretAccessKey = credentials.secret?.secretAccessKey
  if (!secretAccessKey)
    throw new AppError('needs_reauth', 'The S3 secret access key is missing from the secret store.')
  const settings = settingsFromConfig(credentials.config)
  return { client: s3Client(settings, { secretAccessKey }, agents), settings }
}
