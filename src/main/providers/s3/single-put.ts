import { createReadStream } from 'node:fs'
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { AppError } from '../../../shared/app-error.ts'
import { capped } from '../../net/bandwidth-limit.ts'
import { unquote } from './file-digests.ts'
import { objectMetadata, type UploadTarget, type Verified } from './upload-target.ts'

const MD5_ETAG = /^[0-9a-f]{32}$/

/**
 * A file up to one part in one PutObject, streamed from disk. It carries Content-MD5 (every S3
 * server checks it and refuses a body that differs, BadDigest) and x-amz-checksum-sha256, which
 * servers with flexible checksums (AWS, MinIO, R2) check and echo back; servers without them
 * ignore it, and the MD5 ETag is compared instead.
 */
export async function putWhole(target: UploadTarget): Promise<Verified> {
  const { client, bucket, key, file, digests, context } = target
  let answer
  try {
    answer = await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: file.size === 0 ? Buffer.alloc(0) : capped(createReadStream(file.path)),
        ContentLength: file.size,
        ContentMD5: Buffer.from(digests.md5Hex, 'hex').toString('base64'),
        ChecksumSHA256: digests.sha256Base64,
        Metadata: objectMetadata(digests),
      }),
      { abortSignal: context.signal },
    )
  } catch (error) {
    throw await target.failure(error, 'uploading the file')
  }
  if (answer.ChecksumSHA256 !== undefined) {
    if (answer.ChecksumSHA256 !== digests.sha256Base64)
      throw new AppError(
        'verification_failed',
        `The S3 server reports SHA-256 ${answer.ChecksumSHA256} for ${key}, not the file's.`,
      )
    return {
      checksum: { algorithm: 'sha256', value: digests.sha256Hex },
      verifiedBy: 'server-checked SHA-256 (x-amz-checksum-sha256)',
    }
  }
  const etag = unquote(answer.ETag)
  if (MD5_ETAG.test(etag) && etag !== digests.md5Hex)
    throw new AppError(
      'verification_failed',
      `The S3 server reports ETag ${etag} for ${key}, not the file's MD5.`,
    )
  return {
    checksum: { algorithm: 'md5', value: digests.md5Hex },
    verifiedBy: MD5_ETAG.test(etag)
      ? 'Content-MD5 checked by the server; ETag equals the MD5'
      : 'Content-MD5 checked by the server (its ETag is not an MD5)',
  }
}
