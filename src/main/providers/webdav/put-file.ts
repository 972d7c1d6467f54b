import { open } from 'node:fs/promises'
import { AppError } from '../../../shared/app-error.ts'
import type { SourceFile } from '../../uploads/uploader.ts'
import type { Sent } from './verify-upload.ts'
import { SentBytes } from './sent-bytes.ts'
import type { WebdavClient } from './webdav-client.ts'
import { sourceError, statusError } from './webdav-errors.ts'

/** Read chunks of 1 MiB: onProgress is called per chunk, and the queue stores each call. */
const READ_CHUNK = 1024 * 1024

/**
 * PUTs the backup to `path`, streamed from disk with its length and `OC-Checksum: SHA256:…` (the
 * checksum can only go in a header before the body, so it is hashed once up front; servers that
 * know the header check or keep it, the rest ignore it). 'missing-parent' when the server says
 * the folder is not there: Apache answers 409 (RFC 4918 §9.7.1), rclone 404.
 *
 * A plain PUT cannot be resumed: an upload cut off by a crash or a lost connection starts again
 * from the first byte on the next attempt (the temp name is the same, so it is overwritten).
 */
export async function putFile(
  client: WebdavClient,
  path: string,
  file: SourceFile,
  sha256: string,
  context: { signal: AbortSignal; onProgress(bytes: number): void },
): Promise<Sent | 'missing-parent'> {
  const handle = await open(file.path, 'r').catch((error: unknown) => {
    throw sourceError(file.path, error)
  })
  try {
    const before = await handle.stat()
    if (before.size !== file.size || before.mtimeMs !== file.mtimeMs) throw changed(file)
    const sent = new SentBytes(context.onProgress)
    const stream = handle.createReadStream({
      start: 0,
      end: Math.max(0, file.size - 1),
      highWaterMark: READ_CHUNK,
      autoClose: false,
    })
    // An empty file: createReadStream with end 0 would read one byte, so send no stream at all.
    const body = file.size === 0 ? Buffer.alloc(0) : stream.pipe(sent)
    stream.on('error', (error) => sent.destroy(sourceError(file.path, error) as Error))
    const response = await client.send('PUT', path, {
      headers: {
        'content-length': String(file.size),
        'content-type': 'application/octet-stream',
        'oc-checksum': `SHA256:${sha256}`,
      },
      body,
      signal: context.signal,
    })
    await response.body?.cancel()
    if (response.status === 404 || response.status === 409) return 'missing-parent'
    if (response.status !== 201 && response.status !== 204 && response.status !== 200)
      throw statusError(response, `PUT ${path}`)
    const after = await handle.stat()
    if (after.size !== file.size || after.mtimeMs !== file.mtimeMs) throw changed(file)
    return { sha256, ...sent.ends() }
  } finally {
    await handle.close().catch(() => {})
  }
}

function changed(file: SourceFile): AppError {
  return new AppError('file_changed', `"${file.path}" changed while it was being uploaded.`)
}
