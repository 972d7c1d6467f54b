import type { S3Client } from '@aws-sdk/client-s3'
import type { AppError } from '../../../shared/app-error.ts'
import type { Checksum, SourceFile, UploadContext } from '../../uploads/uploader.ts'
import type { FileDigests } from './file-digests.ts'

/** One file on its way to one key: what the single-request and multipart strategies share. */
export interface UploadTarget {
  client: S3Client
  bucket: string
  key: string
  file: SourceFile
  digests: FileDigests
  context: UploadContext
  /** An SDK failure as the AppError the queue acts on (refused keys mark the connection). */
  failure(error: unknown, doing: string): Promise<AppError>
}

/** How the copy was verified, for RemoteFile. */
export interface Verified {
  checksum: Checksum
  verifiedBy: string
}

/** Our own record of the whole file's SHA-256, so a later upload recognizes an identical copy
 * whatever ETag the server gives (multipart, or encrypted objects, have no MD5 ETag). */
export function objectMetadata(digests: FileDigests): Record<string, string> {
  return { sha256: digests.sha256Hex }
}
