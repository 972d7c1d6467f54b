import { HeadObjectCommand, UploadPartCommand, type Part } from '@aws-sdk/client-s3'
import { capped } from '../../net/bandwidth-limit.ts'
import { AppError } from '../../../shared/app-error.ts'
import { wasCancelled } from '../../uploads/job-cancelled.ts'
import { compositeSha256, multipartEtag, partDigests, unquote } from './file-digests.ts'
import { abortUpload, completeUpload, createUpload, storedParts } from './multipart-calls.ts'
import { continues, savedUpload, type S3Resume, type SentPart } from './multipart-resume.ts'
import { partCount, partRange, partSizeFor } from './part-plan.ts'
import { PartReader } from './part-reader.ts'
import { codeOf } from './s3-errors.ts'
import type { UploadTarget, Verified } from './upload-target.ts'

const MD5_ETAG = /^[0-9a-f]{32}$/

/**
 * A large file in parts, resumable after a restart: the UploadId and each acknowledged part are
 * saved (context.saveResume) before the next part is sent; a restart asks the server which parts
 * it holds (ListParts) and sends only the rest. An upload the server no longer knows
 * (NoSuchUpload) starts over; one for another version of the file is aborted first.
 */
export async function putInParts(target: UploadTarget, chunkSize: number): Promise<Verified> {
  const saved = savedUpload(target.context.resume)
  let state: S3Resume | undefined
  if (saved && continues(saved, target.file, target.key, target.digests.sha256Hex)) state = saved
  else if (saved) await abortUpload(target, saved.key, saved.uploadId)
  for (let round = 1; ; round++) {
    const held = state && (await storedParts(target, state.uploadId))
    if (!state || !held) state = await start(target, partSizeFor(chunkSize, target.file.size))
    try {
      await sendParts(target, state, held ?? new Map())
      return await finish(target, state)
    } catch (error) {
      if (wasCancelled(target.context.signal)) {
        await abortUpload(target, state.key, state.uploadId)
        target.context.saveResume(null)
        throw error
      }
      // Gone between two parts (aborted elsewhere, expired): once more from the first part.
      if (round >= 2 || codeOf((error as AppError).cause) !== 'NoSuchUpload') throw error
      state = undefined
    }
  }
}

async function start(target: UploadTarget, partSize: number): Promise<S3Resume> {
  const { uploadId, checksums } = await createUpload(target)
  const state: S3Resume = {
    kind: 's3-multipart',
    uploadId,
    key: target.key,
    partSize,
    checksums,
    parts: [],
    size: target.file.size,
    mtimeMs: target.file.mtimeMs,
    sha256: target.digests.sha256Hex,
  }
  // Saved before any part, so a crash now still finds (and continues or aborts) this upload.
  target.context.saveResume(state)
  return state
}

async function sendParts(
  target: UploadTarget,
  state: S3Resume,
  held: Map<number, Part>,
): Promise<void> {
  const { file, context } = target
  const reader = await PartReader.open(file.path, file.size)
  try {
    state.parts = []
    let done = 0
    for (let n = 1; n <= partCount(file.size, state.partSize); n++) {
      context.signal.throwIfAborted()
      const { offset, length } = partRange(n, file.size, state.partSize)
      const data = await reader.read(offset, length)
      const digests = partDigests(data)
      const there = held.get(n)
      // A part the server already holds with this very content is not sent again.
      const kept =
        there && there.Size === length && unquote(there.ETag) === digests.md5Hex
          ? {
              PartNumber: n,
              ETag: there.ETag!,
              ...(state.checksums ? { ChecksumSHA256: there.ChecksumSHA256 } : {}),
            }
          : await sendPart(target, state, n, data, digests)
      state.parts.push(kept)
      context.saveResume(state)
      done += length
      context.onProgress(done)
    }
  } finally {
    await reader.close()
  }
}

async function sendPart(
  target: UploadTarget,
  state: S3Resume,
  n: number,
  data: Buffer,
  digests: ReturnType<typeof partDigests>,
): Promise<SentPart> {
  const { client, bucket, context } = target
  let answer
  try {
    answer = await client.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: state.key,
        UploadId: state.uploadId,
        PartNumber: n,
        Body: capped(data),
        ContentLength: data.length,
        ContentMD5: digests.md5Base64,
        ...(state.checksums ? { ChecksumSHA256: digests.sha256Base64 } : {}),
      }),
      { abortSignal: context.signal },
    )
  } catch (error) {
    throw await target.failure(error, `uploading part ${n}`)
  }
  const etag = unquote(answer.ETag)
  const badEtag = MD5_ETAG.test(etag) && etag !== digests.md5Hex
  const badSha =
    answer.ChecksumSHA256 !== undefined && answer.ChecksumSHA256 !== digests.sha256Base64
  if (!answer.ETag || badEtag || badSha)
    throw new AppError(
      'verification_failed',
      `The S3 server's checksum for part ${n} of ${state.key} does not match the part sent.`,
    )
  return {
    PartNumber: n,
    ETag: answer.ETag,
    ...(state.checksums ? { ChecksumSHA256: digests.sha256Base64 } : {}),
  }
}

/** Completes the upload and checks what the server reports against the parts we sent. */
async function finish(target: UploadTarget, state: S3Resume): Promise<Verified> {
  const answer = await completeUpload(target, state.uploadId, state.parts)
  const mismatch = (what: string) =>
    new AppError(
      'verification_failed',
      `The S3 server's ${what} for ${state.key} does not match the parts sent.`,
    )
  const md5s = state.parts.map((p) => unquote(p.ETag))
  const etag = unquote(answer.ETag)
  await checkSize(target, state.key)
  if (answer.ChecksumSHA256 !== undefined && state.checksums) {
    const expected = compositeSha256(state.parts.map((p) => p.ChecksumSHA256 ?? ''))
    if (answer.ChecksumSHA256 !== expected && answer.ChecksumSHA256 !== target.digests.sha256Base64)
      throw mismatch('SHA-256')
    return {
      checksum: { algorithm: 'sha256-of-part-sha256s', value: answer.ChecksumSHA256 },
      verifiedBy: `server-checked SHA-256 of each of ${state.parts.length} parts (composite checksum matches)`,
    }
  }
  const expected = multipartEtag(md5s)
  if (/-\d+$/.test(etag) && etag !== expected) throw mismatch('multipart ETag')
  if (MD5_ETAG.test(etag) && etag !== target.digests.md5Hex) throw mismatch('ETag')
  return {
    checksum: { algorithm: 's3-multipart-etag', value: etag },
    verifiedBy: `Content-MD5 of each of ${state.parts.length} parts checked by the server; ETag = MD5 of the part MD5s`,
  }
}

/** The completed object must be exactly as long as the file. */
async function checkSize(target: UploadTarget, key: string): Promise<void> {
  let head
  try {
    head = await target.client.send(new HeadObjectCommand({ Bucket: target.bucket, Key: key }), {
      abortSignal: target.context.signal,
    })
  } catch (error) {
    throw await target.failure(error, 'checking the completed upload')
  }
  if (head.ContentLength !== target.file.size)
    throw new AppError(
      'verification_failed',
      `The S3 object ${key} holds ${head.ContentLength} bytes, not ${target.file.size}.`,
    )
}
