import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'

/** A whole file's digests, computed in one streamed read before anything is sent. */
export interface FileDigests {
  md5Hex: string
  sha256Hex: string
  sha256Base64: string
}

export async function fileDigests(path: string, signal: AbortSignal): Promise<FileDigests> {
  const md5 = createHash('md5')
  const sha256 = createHash('sha256')
  for await (const chunk of createReadStream(path, { signal })) {
    md5.update(chunk as Buffer)
    sha256.update(chunk as Buffer)
  }
  const digest = sha256.digest()
  return {
    md5Hex: md5.digest('hex'),
    sha256Hex: digest.toString('hex'),
    sha256Base64: digest.toString('base64'),
  }
}

/** One part's digests, as UploadPart's Content-MD5 and x-amz-checksum-sha256 headers take them. */
export function partDigests(data: Buffer): {
  md5Base64: string
  md5Hex: string
  sha256Base64: string
} {
  const md5 = createHash('md5').update(data).digest()
  return {
    md5Base64: md5.toString('base64'),
    md5Hex: md5.toString('hex'),
    sha256Base64: createHash('sha256').update(data).digest('base64'),
  }
}

/**
 * S3's multipart ETag: the MD5 of the parts' binary MD5s, "-", the part count. Not in the API
 * reference but stable for years and relied on by rclone and the AWS CLI's s3 sync.
 */
export function multipartEtag(partMd5Hex: readonly string[]): string {
  const joined = Buffer.concat(partMd5Hex.map((hex) => Buffer.from(hex, 'hex')))
  return `${createHash('md5').update(joined).digest('hex')}-${partMd5Hex.length}`
}

/** The COMPOSITE SHA-256 S3 reports for a multipart object: the SHA-256 of the parts' SHA-256s. */
export function compositeSha256(partSha256Base64: readonly string[]): string {
  const joined = Buffer.concat(partSha256Base64.map((b64) => Buffer.from(b64, 'base64')))
  return `${createHash('sha256').update(joined).digest('base64')}-${partSha256Base64.length}`
}

export function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/"/g, '')
}
