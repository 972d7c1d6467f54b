import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadBucketCommand,
  ListPartsCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { S3Emulator } from './server.ts'

const MIB = 1024 * 1024
const SECRET = 'emulator-secret-access-key-0001'
let emulator: S3Emulator
beforeEach(async () => {
  emulator = await S3Emulator.start()
})
afterEach(() => emulator.close())

/** A plain SDK client: these tests check the emulator against the S3 API, not our provider. */
function client(secretAccessKey = SECRET, region = 'us-east-1') {
  return new S3Client({
    endpoint: emulator.endpoint,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId: emulator.accessKeyId, secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  })
}

async function codeOf(promise: Promise<unknown>) {
  return promise.then(
    () => 'ok',
    (error: { name: string; $metadata: { httpStatusCode: number } }) =>
      `${error.$metadata.httpStatusCode} ${error.name}`,
  )
}

const target = { Bucket: 'backups', Key: 'a/b.tar.xz' }

async function upload(parts: Buffer[]) {
  const s3 = client()
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand(target))
  const sent = []
  for (const [i, Body] of parts.entries()) {
    const { ETag } = await s3.send(
      new UploadPartCommand({ ...target, UploadId, PartNumber: i + 1, Body }),
    )
    sent.push({ PartNumber: i + 1, ETag })
  }
  return { s3, UploadId: UploadId!, sent }
}

/** How CompleteMultipartUpload with these parts ends: "ok" or "status Code". */
function completion(
  s3: S3Client,
  UploadId: string,
  Parts: Array<{ PartNumber: number; ETag?: string }>,
) {
  return codeOf(
    s3.send(
      new CompleteMultipartUploadCommand({ ...target, UploadId, MultipartUpload: { Parts } }),
    ),
  )
}

describe('S3 front: signatures (s3rver checks none)', () => {
  it('refuses a request signed with the wrong secret: 403 SignatureDoesNotMatch', async () => {
    expect(await codeOf(client('wrong').send(new HeadBucketCommand({ Bucket: 'backups' })))).toBe(
      '403 Unknown',
    )
    expect(
      await codeOf(client('wrong').send(new ListPartsCommand({ ...target, UploadId: 'x' }))),
    ).toBe('403 SignatureDoesNotMatch')
  })

  it('refuses a signature scoped to another region: 400 AuthorizationHeaderMalformed', async () => {
    expect(
      await codeOf(
        client(SECRET, 'eu-west-1').send(new ListPartsCommand({ ...target, UploadId: 'x' })),
      ),
    ).toBe('400 AuthorizationHeaderMalformed')
  })

  it('refuses an access key that was revoked: 403 InvalidAccessKeyId', async () => {
    emulator.revokeKey()
    expect(await codeOf(client().send(new ListPartsCommand({ ...target, UploadId: 'x' })))).toBe(
      '403 InvalidAccessKeyId',
    )
  })
})

describe('S3 front: the multipart API (s3rver lacks ListParts and Abort)', () => {
  it('lists the stored parts, and completes with the multipart ETag', async () => {
    const { s3, UploadId, sent } = await upload([Buffer.alloc(5 * MIB, 1), Buffer.from('tail')])
    const listed = await s3.send(new ListPartsCommand({ ...target, UploadId }))
    expect(listed.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([
      [1, 5 * MIB, sent[0]!.ETag],
      [2, 4, sent[1]!.ETag],
    ])
    const done = await s3.send(
      new CompleteMultipartUploadCommand({ ...target, UploadId, MultipartUpload: { Parts: sent } }),
    )
    expect(done.ETag).toMatch(/^"[0-9a-f]{32}-2"$/)
    expect((await emulator.stored('a/b.tar.xz'))!.length).toBe(5 * MIB + 4)
    expect(emulator.pendingUploads()).toEqual([])
  })

  it('answers 404 NoSuchUpload for an unknown or aborted upload id', async () => {
    const { s3, UploadId } = await upload([Buffer.from('x')])
    await s3.send(new AbortMultipartUploadCommand({ ...target, UploadId }))
    expect(emulator.pendingUploads()).toEqual([])
    expect(await codeOf(s3.send(new ListPartsCommand({ ...target, UploadId })))).toBe(
      '404 NoSuchUpload',
    )
    expect(
      await codeOf(
        s3.send(new UploadPartCommand({ ...target, UploadId, PartNumber: 1, Body: 'x' })),
      ),
    ).toBe('404 NoSuchUpload')
    expect(
      await codeOf(s3.send(new AbortMultipartUploadCommand({ ...target, UploadId: 'nope' }))),
    ).toBe('404 NoSuchUpload')
  })

  it('refuses at Complete a part under 5 MiB that is not the last: 400 EntityTooSmall', async () => {
    const { s3, UploadId, sent } = await upload([Buffer.alloc(MIB), Buffer.from('tail')])
    expect(await completion(s3, UploadId, sent)).toBe('400 EntityTooSmall')
  })

  it('refuses at Complete a part whose ETag does not match: 400 InvalidPart', async () => {
    const { s3, UploadId } = await upload([Buffer.from('x')])
    const parts = [{ PartNumber: 1, ETag: '"00000000000000000000000000000000"' }]
    expect(await completion(s3, UploadId, parts)).toBe('400 InvalidPart')
  })

  it('refuses a part whose Content-MD5 does not match the body: 400 BadDigest', async () => {
    const { s3, UploadId } = await upload([])
    const wrong = Buffer.alloc(16).toString('base64')
    expect(
      await codeOf(
        s3.send(
          new UploadPartCommand({
            ...target,
            UploadId,
            PartNumber: 1,
            Body: 'x',
            ContentMD5: wrong,
          }),
        ),
      ),
    ).toBe('400 BadDigest')
  })
})
