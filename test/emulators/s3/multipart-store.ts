import { createHash, randomBytes } from 'node:crypto'
import { S3Error } from './s3-error.ts'

/** AWS's multipart limits ("Amazon S3 multipart upload limits"). */
export const MIN_PART_BYTES = 5 * 1024 * 1024
export const MAX_PARTS = 10_000

export interface StoredPart {
  partNumber: number
  /** Hex MD5 of the part: its ETag, unquoted. */
  md5: string
  /** Base64 SHA-256, when the upload was created with ChecksumAlgorithm SHA256. */
  sha256?: string
  data: Buffer
  lastModified: Date
}

export interface PendingUpload {
  uploadId: string
  bucket: string
  key: string
  /** Content-Type and x-amz-meta-* given at CreateMultipartUpload, applied at Complete. */
  headers: Record<string, string>
  checksumAlgorithm?: 'SHA256'
  initiated: Date
  parts: Map<number, StoredPart>
}

const NO_SUCH_UPLOAD = () =>
  new S3Error(
    404,
    'NoSuchUpload',
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
  )

/** Multipart uploads in progress, in memory: the tests' servers live for one test file. */
export class MultipartStore {
  private readonly uploads = new Map<string, PendingUpload>()

  create(
    bucket: string,
    key: string,
    headers: Record<string, string>,
    checksum?: 'SHA256',
  ): PendingUpload {
    const upload: PendingUpload = {
      uploadId: randomBytes(24).toString('base64url'),
      bucket,
      key,
      headers,
      checksumAlgorithm: checksum,
      initiated: new Date(),
      parts: new Map(),
    }
    this.uploads.set(upload.uploadId, upload)
    return upload
  }

  /** The upload, which must belong to this bucket and key (S3 answers NoSuchUpload otherwise). */
  get(bucket: string, key: string, uploadId: string): PendingUpload {
    const upload = this.uploads.get(uploadId)
    if (!upload || upload.bucket !== bucket || upload.key !== key) throw NO_SUCH_UPLOAD()
    return upload
  }

  putPart(upload: PendingUpload, partNumber: number, data: Buffer, sha256?: string): StoredPart {
    const part: StoredPart = {
      partNumber,
      md5: createHash('md5').update(data).digest('hex'),
      sha256,
      data,
      lastModified: new Date(),
    }
    upload.parts.set(partNumber, part)
    return part
  }

  remove(uploadId: string): void {
    this.uploads.delete(uploadId)
  }

  pending(): PendingUpload[] {
    return [...this.uploads.values()]
  }
}
