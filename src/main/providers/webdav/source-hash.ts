import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { sourceError } from './webdav-errors.ts'

/** The SHA-256 of the backup file, streamed: sent as OC-Checksum and compared with the remote. */
export async function sourceSha256(path: string, signal: AbortSignal): Promise<string> {
  const hash = createHash('sha256')
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024, signal }))
      hash.update(chunk as Buffer)
  } catch (error) {
    throw sourceError(path, error)
  }
  return hash.digest('hex')
}
