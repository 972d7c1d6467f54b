import { sha256File } from '../../uploads/file-sha256.ts'
import { sourceError } from './webdav-errors.ts'

/** The SHA-256 of the backup file: sent as OC-Checksum and compared with the remote. */
export async function sourceSha256(path: string, signal: AbortSignal): Promise<string> {
  try {
    return await sha256File(path, signal)
  } catch (error) {
    if (signal.aborted) throw signal.reason
    throw sourceError(path, error)
  }
}
