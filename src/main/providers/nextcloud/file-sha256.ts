import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import type { SourceFile } from '../../uploads/uploader.ts'
import { fileError } from '../../uploads/source-reader.ts'

/**
 * The file's SHA-256 in hex, read before sending: OC-Checksum must be in the headers of the PUT
 * (or MOVE) that carries the bytes, and a resumed upload does not read the chunks it skips. The
 * reads that follow check the file is still this version (SourceReader), so the hash holds.
 */
export async function sha256OfFile(file: SourceFile, signal: AbortSignal): Promise<string> {
  const hash = createHash('sha256')
  try {
    for await (const chunk of createReadStream(file.path, { highWaterMark: 1024 * 1024, signal })) {
      hash.update(chunk as Buffer)
    }
  } catch (error) {
    throw fileError(error, file)
  }
  return hash.digest('hex')
}
