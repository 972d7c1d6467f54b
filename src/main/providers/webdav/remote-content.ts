import { createHash } from 'node:crypto'
import { AppError } from '../../../shared/app-error.ts'
import { PROPFIND_CHECKSUMS, type WebdavClient } from './webdav-client.ts'
import { statusError } from './webdav-errors.ts'

/**
 * The SHA-256 the server keeps for a file, where it keeps one: ownCloud and Nextcloud store the
 * OC-Checksum sent with the PUT and report it as oc:checksums ("SHA1:… MD5:… SHA256:…"). Plain
 * WebDAV servers (Apache mod_dav, rclone serve webdav) have no such property: undefined.
 */
export async function serverSha256(
  client: WebdavClient,
  path: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  const found = await client.propfind(path, 0, PROPFIND_CHECKSUMS, { signal })
  return sha256Among(found?.[0]?.props.checksums)
}

/** The SHA-256 among a resource's oc:checksums property, as parsed; undefined without one. */
export function sha256Among(checksums: unknown): string | undefined {
  if (checksums === undefined) return undefined
  return /SHA256:([0-9a-f]{64})/i.exec(JSON.stringify(checksums))?.[1]?.toLowerCase()
}

/**
 * Bytes `start`..`end` (inclusive) of a remote file, by a Range GET (RFC 9110 §14). A server
 * that ignores Range answers 200 with the whole file: then the window is cut out of the stream.
 */
export async function readRange(
  client: WebdavClient,
  path: string,
  start: number,
  end: number,
  signal: AbortSignal,
): Promise<Buffer> {
  const response = await client.send('GET', path, {
    headers: { range: `bytes=${start}-${end}` },
    signal,
  })
  if (response.status === 206) return Buffer.from(await response.arrayBuffer())
  if (response.status !== 200) {
    await response.body?.cancel()
    throw statusError(response, `GET ${path}`)
  }
  const parts: Buffer[] = []
  let offset = 0
  for await (const chunk of response.body ?? []) {
    const bytes = Buffer.from(chunk as Uint8Array)
    const from = Math.max(0, start - offset)
    const to = Math.min(bytes.length, end + 1 - offset)
    if (from < to) parts.push(bytes.subarray(from, to))
    offset += bytes.length
    if (offset > end) break
  }
  return Buffer.concat(parts)
}

/** The SHA-256 of a whole remote file, streamed (for "is this content already there?"). */
export async function remoteSha256(
  client: WebdavClient,
  path: string,
  signal: AbortSignal,
): Promise<string> {
  const response = await client.send('GET', path, { signal })
  if (response.status !== 200) {
    await response.body?.cancel()
    throw statusError(response, `GET ${path}`)
  }
  const hash = createHash('sha256')
  for await (const chunk of response.body ?? []) hash.update(chunk as Uint8Array)
  return hash.digest('hex')
}

export function verificationFailed(path: string, what: string): AppError {
  return new AppError('verification_failed', `The uploaded "${path}" ${what}.`)
}
