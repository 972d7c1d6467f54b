import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  type CompleteMultipartUploadCommandOutput,
  type Part,
} from '@aws-sdk/client-s3'
import { codeOf } from './s3-errors.ts'
import type { SentPart } from './multipart-resume.ts'
import { objectMetadata, type UploadTarget } from './upload-target.ts'

/**
 * The multipart API called directly rather than through @aws-sdk/lib-storage's Upload: a resume
 * after a restart needs the UploadId and the parts' ETags persisted after every part, and
 * ListParts on start, which Upload neither exposes nor does.
 */
export async function createUpload(
  target: UploadTarget,
): Promise<{ uploadId: string; checksums: boolean }> {
  const { client, bucket, key, digests, context } = target
  try {
    const answer = await client.send(
      new CreateMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        ChecksumAlgorithm: 'SHA256',
        Metadata: objectMetadata(digests),
      }),
      { abortSignal: context.signal },
    )
    if (!answer.UploadId) throw new Error('CreateMultipartUpload returned no UploadId')
    // Servers without flexible checksums do not echo the algorithm: parts then go with MD5 only.
    return { uploadId: answer.UploadId, checksums: answer.ChecksumAlgorithm === 'SHA256' }
  } catch (error) {
    throw await target.failure(error, 'starting a multipart upload')
  }
}

/** The parts the server holds for the upload, or undefined when it no longer knows it. */
export async function storedParts(
  target: UploadTarget,
  uploadId: string,
): Promise<Map<number, Part> | undefined> {
  const { client, bucket, key, context } = target
  const parts = new Map<number, Part>()
  let marker: string | undefined
  try {
    for (;;) {
      const page = await client.send(
        new ListPartsCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          PartNumberMarker: marker,
        }),
        { abortSignal: context.signal },
      )
      for (const part of page.Parts ?? []) if (part.PartNumber) parts.set(part.PartNumber, part)
      if (!page.IsTruncated || !page.NextPartNumberMarker) return parts
      marker = page.NextPartNumberMarker
    }
  } catch (error) {
    // Completed, aborted, or expired by a lifecycle rule: the upload starts over.
    if (codeOf(error) === 'NoSuchUpload') return undefined
    throw await target.failure(error, 'listing the uploaded parts')
  }
}

export async function completeUpload(
  target: UploadTarget,
  uploadId: string,
  parts: readonly SentPart[],
): Promise<CompleteMultipartUploadCommandOutput> {
  const { client, bucket, key, context } = target
  try {
    return await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: [...parts].sort((a, b) => a.PartNumber - b.PartNumber) },
      }),
      { abortSignal: context.signal },
    )
  } catch (error) {
    throw await target.failure(error, 'completing the multipart upload')
  }
}

/**
 * Drops an upload that will never be completed: its parts are stored (and billed) until it is
 * aborted. Best effort, with its own signal, as the job's may already be aborted; a failure
 * leaves it to the bucket's lifecycle rule for incomplete uploads.
 */
export async function abortUpload(
  target: UploadTarget,
  key: string,
  uploadId: string,
): Promise<void> {
  await target.client
    .send(
      new AbortMultipartUploadCommand({ Bucket: target.bucket, Key: key, UploadId: uploadId }),
      {
        abortSignal: AbortSignal.timeout(30_000),
      },
    )
    .catch(() => undefined)
}
