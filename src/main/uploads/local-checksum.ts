import { fileDigests } from './file-sha256.ts'

/** The algorithms any provider's record can be checked against without asking the provider. */
const GENERIC = new Set(['sha256', 'sha1', 'md5'])

export function isLocalChecksum(algorithm: string): boolean {
  return GENERIC.has(algorithm)
}

/**
 * The checksum of a local file in hex by a generic algorithm (`sha256`, `sha1`, `md5`), or null
 * for one only its provider can compute (Dropbox's content hash, S3's multipart ETag).
 */
export async function localChecksum(path: string, algorithm: string): Promise<string | null> {
  if (!GENERIC.has(algorithm)) return null
  return (await fileDigests(path, [algorithm]))[algorithm]!
}
