import type { RemoteFile } from '../../uploads/uploader.ts'
import { uploadFailureOf, uploadFailureToError } from './upload-failure.ts'
import { callOptions, type UploadIo } from './upload-io.ts'

/** files.stone FileMetadata, the fields an upload reads. */
export interface FileMetadata {
  '.tag': 'file'
  path_display: string
  size: number
  content_hash: string
}

type Metadata = FileMetadata | { '.tag': 'folder' | 'deleted' }

/** files/get_metadata; undefined when nothing is there (409 path/not_found). */
export async function metadataAt(io: UploadIo, path: string): Promise<Metadata | undefined> {
  const outcome = await io.api.call<Metadata>('files/get_metadata', { path }, callOptions(io))
  if (outcome.ok) return outcome.value
  const failure = uploadFailureOf(outcome.failure)
  if (failure.tag === 'not_found') return undefined
  throw uploadFailureToError(failure, 'files/get_metadata')
}

/** The file at `path` when it holds exactly these bytes (same Dropbox content_hash). */
export async function identicalFileAt(
  io: UploadIo,
  path: string,
  contentHash: string,
): Promise<FileMetadata | undefined> {
  const found = await metadataAt(io, path)
  return found?.['.tag'] === 'file' && found.content_hash === contentHash ? found : undefined
}

export function remoteFile(
  metadata: FileMetadata,
  outcome: { renamed: boolean; alreadyPresent: boolean },
): RemoteFile {
  return {
    remotePath: metadata.path_display,
    checksum: { algorithm: 'dropbox-content-hash', value: metadata.content_hash },
    verifiedBy: 'Dropbox content_hash, equal to the one computed while reading the file',
    size: metadata.size,
    ...outcome,
  }
}
