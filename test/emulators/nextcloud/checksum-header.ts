import { createHash } from 'node:crypto'
import { davError, type Reply } from './http-io.ts'

const ALGORITHMS: Record<string, string> = { SHA256: 'sha256', SHA1: 'sha1', MD5: 'md5' }

/**
 * Checks an OC-Checksum header ("SHA256:<hex>") against the bytes. Nextcloud hashes what it
 * received with the named algorithm and refuses a mismatch with 400; it stores the header as the
 * file's checksum (oc:checksums). Undefined when the header is absent or matches.
 */
export function checksumMismatch(headerValue: string | undefined, data: Buffer): Reply | undefined {
  if (headerValue === undefined) return undefined
  const [name, expected] = headerValue.trim().split(':')
  const algorithm = ALGORITHMS[name?.toUpperCase() ?? '']
  if (!algorithm || !expected) return undefined
  const actual = createHash(algorithm).update(data).digest('hex')
  if (actual === expected.toLowerCase()) return undefined
  return davError(
    400,
    'BadRequest',
    'The computed checksum does not match the one received from the client.',
  )
}
