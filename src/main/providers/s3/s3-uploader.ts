import { HeadObjectCommand, type HeadObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3'
import { AppError } from '../../../shared/app-error.ts'
import { conflictName } from '../../uploads/conflict-name.ts'
import type {
  Checksum,
  RemoteFile,
  SourceFile,
  UploadContext,
  Uploader,
} from '../../uploads/uploader.ts'
import { fileDigests, unquote, type FileDigests } from './file-digests.ts'
import { abortUpload } from './multipart-calls.ts'
import { continues, savedUpload } from './multipart-resume.ts'
import { putInParts } from './multipart-upload.ts'
import { joinPath, keyOf } from './object-keys.ts'
import { MAX_OBJECT_BYTES, partSizeFor } from './part-plan.ts'
import { s3Failure, statusOf } from './s3-errors.ts'
import type { S3Settings } from './s3-settings.ts'
import { putWhole } from './single-put.ts'
import type { UploadTarget, Verified } from './upload-target.ts'

export interface S3UploaderOptions {
  client: S3Client
  settings: S3Settings
  /** The app's chunk size: the part size, raised to S3's 5 MiB minimum where it is smaller. */
  chunkSize: number
  /** The server refused the stored keys: the connection waits for a reconnect. */
  rejected(): Promise<void>
}

/** Copies "name (2)", "name (3)" … are tried before giving up on a crowded folder. */
const MAX_COPIES = 100

/** Where the file goes: a free key, or the key of an identical copy already there. */
interface Place {
  key: string
  remotePath: string
  renamed: boolean
  present?: Verified
}

/**
 * Uploads backups to an S3 bucket under the connection's prefix: one PutObject up to a part's
 * size, a resumable multipart upload above it. The file's MD5 and SHA-256 are computed first
 * (one read), so an identical copy already there is recognized without sending anything.
 */
export class S3Uploader implements Uploader {
  private readonly options: S3UploaderOptions

  constructor(options: S3UploaderOptions) {
    this.options = options
  }

  async upload(
    file: SourceFile,
    remoteFolder: string,
    context: UploadContext,
  ): Promise<RemoteFile> {
    if (file.size > MAX_OBJECT_BYTES)
      throw new AppError('file_too_large', `${file.name} is larger than S3's 5 TiB object limit.`)
    context.signal.throwIfAborted()
    const digests = await fileDigests(file.path, context.signal).catch(sourceError)
    const place = await this.place(file, remoteFolder, digests, context)
    const target = this.target(file, place.key, digests, context)
    const verified = place.present ?? (await this.send(target))
    context.onProgress(file.size)
    return {
      remotePath: place.remotePath,
      ...verified,
      size: file.size,
      renamed: place.renamed,
      alreadyPresent: place.present !== undefined,
    }
  }

  private target(
    file: SourceFile,
    key: string,
    digests: FileDigests,
    context: UploadContext,
  ): UploadTarget {
    return {
      client: this.options.client,
      bucket: this.options.settings.bucket,
      key,
      file,
      digests,
      context,
      failure: async (error, doing) => {
        // Stopped on purpose (a pause, a cancel, a quit): the queue reads the signal, not a code.
        if (context.signal.aborted) throw context.signal.reason
        return s3Failure(error, doing, this.options.rejected)
      },
    }
  }

  /**
   * One request up to a part's size, parts above it. A saved upload of this very file continues
   * in parts even if the part size grew since; one that will not be continued is aborted.
   */
  private async send(target: UploadTarget): Promise<Verified> {
    const { file, key, digests, context } = target
    const saved = savedUpload(context.resume)
    const resumable = saved !== undefined && continues(saved, file, key, digests.sha256Hex)
    if (resumable || file.size > partSizeFor(this.options.chunkSize, file.size))
      return putInParts(target, this.options.chunkSize)
    if (saved) await abortUpload(target, saved.key, saved.uploadId)
    return putWhole(target)
  }

  /** The first of "name", "name (2)" … that is free or already holds this very file. */
  private async place(
    file: SourceFile,
    folder: string,
    digests: FileDigests,
    context: UploadContext,
  ): Promise<Place> {
    for (let copy = 1; copy <= MAX_COPIES; copy++) {
      const remotePath = joinPath(folder, conflictName(file.name, copy))
      const key = keyOf(this.options.settings.prefix, remotePath)
      const head = await this.head(key, context.signal)
      const place = { key, remotePath, renamed: copy > 1 }
      if (!head) return place
      const present = sameFile(head, file, digests)
      if (present) return { ...place, present }
    }
    throw new AppError(
      'provider_error',
      `The folder already holds ${MAX_COPIES} different files named like ${file.name}.`,
    )
  }

  private async head(
    key: string,
    signal: AbortSignal,
  ): Promise<HeadObjectCommandOutput | undefined> {
    const { client, settings, rejected } = this.options
    try {
      return await client.send(
        new HeadObjectCommand({ Bucket: settings.bucket, Key: key, ChecksumMode: 'ENABLED' }),
        {
          abortSignal: signal,
        },
      )
    } catch (error) {
      if (statusOf(error) === 404) return undefined
      throw await s3Failure(error, 'looking for an existing copy', rejected)
    }
  }
}

/**
 * Whether the object is this file: same size, and the same SHA-256 (the server's full-object
 * checksum, or our record of it) or MD5 (a single-request ETag). It is then reported with the
 * checksum the server gives for it, as its upload was.
 */
function sameFile(
  head: HeadObjectCommandOutput,
  file: SourceFile,
  digests: FileDigests,
): Verified | undefined {
  if (head.ContentLength !== file.size) return undefined
  // An object the server gives no usable checksum for is described by our own SHA-256.
  const checksum = reportedChecksum(head) ?? { algorithm: 'sha256', value: digests.sha256Hex }
  if (head.ChecksumSHA256 === digests.sha256Base64)
    return { checksum, verifiedBy: 'already there: same size and server-checked SHA-256' }
  if (head.Metadata?.sha256 === digests.sha256Hex)
    return { checksum, verifiedBy: 'already there: same size and SHA-256 (recorded at its upload)' }
  if (unquote(head.ETag) === digests.md5Hex)
    return { checksum, verifiedBy: 'already there: same size and MD5 (ETag)' }
  return undefined
}

/** The checksum the server reports for an object, in the terms our uploads report it. */
function reportedChecksum(head: HeadObjectCommandOutput): Checksum | undefined {
  const sha = head.ChecksumSHA256
  if (sha?.includes('-')) return { algorithm: 'sha256-of-part-sha256s', value: sha }
  if (sha) return { algorithm: 'sha256', value: Buffer.from(sha, 'base64').toString('hex') }
  const etag = unquote(head.ETag)
  if (/^[0-9a-f]{32}$/.test(etag)) return { algorithm: 'md5', value: etag }
  if (/^[0-9a-f]{32}-\d+$/.test(etag)) return { algorithm: 's3-multipart-etag', value: etag }
  return undefined
}

/** A backup that vanished or cannot be read, as the queue's codes say it. */
function sourceError(error: unknown): never {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT') throw new AppError('file_missing', undefined, { cause: error })
  if (code === 'EACCES' || code === 'EPERM')
    throw new AppError('permission_denied', undefined, { cause: error })
  throw error
}
