import { sha256File } from '../../uploads/file-sha256.ts'
import type { SourceFile } from '../../uploads/uploader.ts'
import { fileError } from '../../uploads/source-reader.ts'

/**
 * The file's SHA-256 in hex, read before sending: OC-Checksum must be in the headers of the PUT
 * (or MOVE) that carries the bytes, and a resumed upload does not read the chunks it skips. The
 * reads that follow check the file is still this version (SourceReader), so the hash holds.
 */
export async function sha256OfFile(file: SourceFile, signal: AbortSignal): Promise<string> {
  try {
    return await sha256File(file.path, signal)
  } catch (error) {
    if (signal.aborted) throw signal.reason
    throw fileError(error, file)
  }
}
