import { AppError } from '../../../shared/app-error.ts'
import { isSafeUrl } from '../../../shared/provider-settings.ts'
import type { ConnectionConfig } from '../provider.ts'

/** Where a connection's backups go: kept in settings.json (nothing here is secret). */
export interface S3Settings {
  endpoint: string
  region: string
  bucket: string
  /** "" or a key prefix ending in "/": the root of what the connection sees. */
  prefix: string
  /** Path-style URLs (endpoint/bucket/key) instead of bucket.endpoint: MinIO, Ceph, test servers. */
  pathStyle: boolean
  accessKeyId: string
}

/** Bucket names as S3 allows them (3–63 characters; lower case, digits, dots, hyphens). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/

function text(fields: Record<string, string | boolean>, name: string): string {
  const value = fields[name]
  return typeof value === 'string' ? value.trim() : ''
}

/** "backups/fermentrack" from "/backups/fermentrack/" and the like; "" for none. */
export function normalPrefix(prefix: string): string {
  const parts = prefix.split('/').filter(Boolean)
  return parts.length === 0 ? '' : `${parts.join('/')}/`
}

/**
 * What `connect s3` was given, checked before any request: bad input is one line naming the
 * field and the fix, and nothing is saved. Any endpoint is accepted (MinIO, B2, R2, Wasabi …):
 * like rclone, and unlike Kasm, nothing is checked against AWS itself.
 */
export function settingsFromFields(fields: Record<string, string | boolean>): S3Settings {
  const endpoint = text(fields, 'endpoint').replace(/\/+$/, '')
  if (!isSafeUrl(endpoint))
    throw new AppError(
      'invalid_setting',
      `--endpoint must be an https URL such as https://s3.us-east-1.amazonaws.com (plain http only on 127.0.0.1 or localhost), not "${endpoint}".`,
    )
  const region = text(fields, 'region')
  if (!/^[a-z0-9-]{1,40}$/i.test(region))
    throw new AppError(
      'invalid_setting',
      `--region must be a region name such as us-east-1 (R2: auto), not "${region}".`,
    )
  const bucket = text(fields, 'bucket')
  if (!BUCKET.test(bucket))
    throw new AppError(
      'invalid_setting',
      `--bucket must be a bucket name (3-63 lower-case letters, digits, dots or hyphens), not "${bucket}".`,
    )
  const accessKeyId = text(fields, 'access-key-id')
  if (accessKeyId === '' || /\s/.test(accessKeyId))
    throw new AppError(
      'invalid_setting',
      '--access-key-id must be the access key id of the key pair (no spaces).',
    )
  const prefix = normalPrefix(text(fields, 'prefix'))
  if (prefix.split('/').some((part) => part === '.' || part === '..'))
    throw new AppError(
      'invalid_setting',
      `--prefix must not contain "." or ".." parts, as in "${prefix}".`,
    )
  return { endpoint, region, bucket, prefix, pathStyle: fields['path-style'] === true, accessKeyId }
}

export function settingsFromConfig(config: ConnectionConfig): S3Settings {
  const value = (name: string) => (typeof config[name] === 'string' ? (config[name] as string) : '')
  return {
    endpoint: value('endpoint'),
    region: value('region'),
    bucket: value('bucket'),
    prefix: value('prefix'),
    pathStyle: config.pathStyle === true,
    accessKeyId: value('accessKeyId'),
  }
}

export function configOf(settings: S3Settings): ConnectionConfig {
  return { ...settings }
}
