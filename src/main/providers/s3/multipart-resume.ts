import type { SourceFile } from '../../uploads/uploader.ts'

export interface SentPart {
  PartNumber: number
  ETag: string
  /** Base64 SHA-256 the server checked, when the upload was created with ChecksumAlgorithm. */
  ChecksumSHA256?: string
}

/** What an S3 multipart upload persists after each part (opaque to the queue). */
export interface S3Resume {
  kind: 's3-multipart'
  uploadId: string
  key: string
  partSize: number
  /** Whether the server took ChecksumAlgorithm SHA256 at CreateMultipartUpload. */
  checksums: boolean
  parts: SentPart[]
  /** The file version the parts belong to. */
  size: number
  mtimeMs: number
  sha256: string
}

function wellFormed(value: unknown): value is S3Resume {
  if (value === null || typeof value !== 'object') return false
  const state = value as Partial<S3Resume>
  return (
    state.kind === 's3-multipart' &&
    typeof state.uploadId === 'string' &&
    state.uploadId !== '' &&
    typeof state.key === 'string' &&
    Number.isSafeInteger(state.partSize) &&
    Array.isArray(state.parts)
  )
}

/** A saved upload of some file, whether or not it can still be continued (to abort it). */
export function savedUpload(value: unknown): S3Resume | undefined {
  return wellFormed(value) ? value : undefined
}

/** Whether the saved upload holds parts of this very file version, bound for this key. */
export function continues(state: S3Resume, file: SourceFile, key: string, sha256: string): boolean {
  return (
    state.key === key &&
    state.size === file.size &&
    state.mtimeMs === file.mtimeMs &&
    state.sha256 === sha256
  )
}
