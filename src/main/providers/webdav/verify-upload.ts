import type { Checksum } from '../../uploads/uploader.ts'
import { readRange, serverSha256, verificationFailed } from './remote-content.ts'
import { END_BYTES } from './sent-bytes.ts'
import type { WebdavClient } from './webdav-client.ts'

/** What was sent, as SentBytes saw it. */
export interface Sent {
  sha256: string
  head: Buffer
  tail: Buffer
  size: number
}

export interface Verified {
  checksum: Checksum
  verifiedBy: string
}

/**
 * Checks the uploaded copy before it gets its final name: its size by PROPFIND, then the
 * server's SHA-256 where it reports one; otherwise the first and last MiB are read back and
 * compared with the bytes sent (a plain WebDAV server computes no checksum we could ask for).
 * The ends catch a truncated or misplaced copy, not a flipped bit in the middle: the history
 * says which check was made.
 */
export async function verifyUpload(
  client: WebdavClient,
  path: string,
  sent: Sent,
  signal: AbortSignal,
): Promise<Verified> {
  const stored = await client.stat(path, signal)
  if (!stored) throw verificationFailed(path, 'is not on the server after the upload')
  if (stored.size !== sent.size)
    throw verificationFailed(path, `holds ${stored.size} bytes, not the ${sent.size} sent`)
  const serverHash = await serverSha256(client, path, signal)
  if (serverHash !== undefined) {
    if (serverHash !== sent.sha256)
      throw verificationFailed(path, `has the server SHA-256 ${serverHash}, not ${sent.sha256}`)
    return {
      checksum: { algorithm: 'sha256', value: serverHash },
      verifiedBy: "size and the server's SHA-256 (OC-Checksum)",
    }
  }
  // The SHA-256 reported is of the bytes sent: this server keeps none of its own.
  const checksum = { algorithm: 'sha256', value: sent.sha256 }
  if (sent.size === 0) return { checksum, verifiedBy: 'size (an empty file)' }
  const head = await readRange(client, path, 0, sent.head.length - 1, signal)
  if (!head.equals(sent.head)) throw verificationFailed(path, 'reads back a different first MiB')
  // A file of one MiB or less was read back whole already.
  if (sent.size > sent.head.length) {
    const tailStart = sent.size - sent.tail.length
    const tail = await readRange(client, path, tailStart, sent.size - 1, signal)
    if (!tail.equals(sent.tail)) throw verificationFailed(path, 'reads back a different last MiB')
  }
  const whole = sent.size <= 2 * END_BYTES
  return {
    checksum,
    verifiedBy: whole ? 'size and the whole file read back' : 'size and first/last MiB read back',
  }
}
