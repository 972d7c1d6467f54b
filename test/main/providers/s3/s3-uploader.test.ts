import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { isAppError } from '../../../../src/shared/app-error.ts'
import type { S3Resume } from '../../../../src/main/providers/s3/multipart-resume.ts'
import { JobCancelled } from '../../../../src/main/uploads/job-cancelled.ts'
import { writeBackup } from '../../../support/backup-files.ts'
import {
  MIB,
  s3FixturePerTest,
  sourceFile,
  storedPartNumbers,
  uploadContext,
} from './s3-fixture.ts'

const openFixture = s3FixturePerTest()
const FOLDER = '/Fermentrack Backups'
const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex')

describe('S3 uploads against s3rver behind the strict front', () => {
  it('puts a small file in one request, verified by Content-MD5 and its MD5 ETag', async () => {
    const f = await openFixture({ prefix: 'brewery/' })
    const path = await writeBackup(f.dir, '2026-11-22T10.00.00.tar.xz', 300_000, 1)
    const result = await f.uploader().upload(await sourceFile(path), FOLDER, uploadContext())
    expect(result).toMatchObject({
      remotePath: '/Fermentrack Backups/2026-11-22T10.00.00.tar.xz',
      checksum: { algorithm: 'md5', value: md5(readFileSync(path)) },
      renamed: false,
      alreadyPresent: false,
    })
    expect(result.verifiedBy).toContain('Content-MD5')
    expect(
      await f.emulator.stored('brewery/Fermentrack Backups/2026-11-22T10.00.00.tar.xz'),
    ).toEqual(readFileSync(path))
  })

  it('uploads an empty file', async () => {
    const f = await openFixture()
    const path = await writeBackup(f.dir, 'empty.tar.xz', 0)
    const result = await f.uploader().upload(await sourceFile(path), FOLDER, uploadContext())
    expect(result.size).toBe(0)
    expect(await f.emulator.stored('Fermentrack Backups/empty.tar.xz')).toEqual(Buffer.alloc(0))
  })

  it('sends a large file in parts, each saved for a resume, verified by the composite SHA-256', async () => {
    const f = await openFixture()
    const path = await writeBackup(f.dir, 'big.tar.xz', 12 * MIB + 123, 2)
    const context = uploadContext()
    const result = await f.uploader().upload(await sourceFile(path), FOLDER, context)
    expect(storedPartNumbers(f.emulator)).toEqual([1, 2, 3])
    expect(await f.emulator.stored('Fermentrack Backups/big.tar.xz')).toEqual(readFileSync(path))
    expect(result.checksum.algorithm).toBe('sha256-of-part-sha256s')
    expect(result.checksum.value).toMatch(/-3$/)
    expect(result.verifiedBy).toContain('SHA-256 of each of 3 parts')
    const states = context.saved as S3Resume[]
    expect(states.map((s) => s.parts.length)).toEqual([0, 1, 2, 3])
    expect(states[0]!.uploadId).not.toBe('')
    expect(f.emulator.pendingUploads()).toEqual([])
  })

  it('sends nothing when the identical file is already there', async () => {
    const f = await openFixture()
    const path = await writeBackup(f.dir, 'same.tar.xz', 6 * MIB, 3)
    const uploader = f.uploader()
    await uploader.upload(await sourceFile(path), FOLDER, uploadContext())
    const puts = f.emulator.requests.filter((r) => r.method === 'PUT').length
    const again = await uploader.upload(await sourceFile(path), FOLDER, uploadContext())
    expect(again).toMatchObject({
      alreadyPresent: true,
      remotePath: '/Fermentrack Backups/same.tar.xz',
    })
    expect(f.emulator.requests.filter((r) => r.method === 'PUT').length).toBe(puts)
  })

  it('keeps a different file with the same name as "name (2)"', async () => {
    const f = await openFixture()
    const first = await writeBackup(f.dir, 'brew.tar.xz', 1000, 4)
    const uploader = f.uploader()
    await uploader.upload(await sourceFile(first), FOLDER, uploadContext())
    const second = await writeBackup(f.dir, 'brew.tar.xz', 2000, 5)
    const result = await uploader.upload(await sourceFile(second), FOLDER, uploadContext())
    expect(result).toMatchObject({
      remotePath: '/Fermentrack Backups/brew (2).tar.xz',
      renamed: true,
    })
    expect((await f.emulator.stored('Fermentrack Backups/brew.tar.xz'))!.length).toBe(1000)
    expect(await f.emulator.stored('Fermentrack Backups/brew (2).tar.xz')).toEqual(
      readFileSync(second),
    )
  })
})

describe('resuming and abandoning multipart uploads', () => {
  async function interrupted(f: Awaited<ReturnType<typeof openFixture>>, reason?: unknown) {
    const path = await writeBackup(f.dir, 'resume.tar.xz', 4 * 5 * MIB + 77, 6)
    const file = await sourceFile(path)
    const abort = new AbortController()
    // Stops the upload once two parts are acknowledged, as a pause (or a kill) would.
    const context = uploadContext(
      undefined,
      (bytes) => bytes >= 10 * MIB && abort.abort(reason),
      abort.signal,
    )
    await expect(f.uploader().upload(file, FOLDER, context)).rejects.toThrow()
    const states = context.saved.filter((s) => s !== null) as S3Resume[]
    return { path, file, state: states.at(-1)!, last: context.saved.at(-1) }
  }

  it('continues from the first part the server lacks, never re-sending stored parts', async () => {
    const f = await openFixture()
    const { path, file, state } = await interrupted(f)
    expect(state.parts.map((p) => p.PartNumber)).toEqual([1, 2])
    expect(f.emulator.pendingUploads()).toHaveLength(1)
    const result = await f.uploader().upload(file, FOLDER, uploadContext(state))
    expect(storedPartNumbers(f.emulator)).toEqual([1, 2, 3, 4, 5])
    expect(f.emulator.requests.some((r) => r.method === 'GET' && r.query.has('uploadId'))).toBe(
      true,
    )
    expect(result.remotePath).toBe('/Fermentrack Backups/resume.tar.xz')
    expect(await f.emulator.stored('Fermentrack Backups/resume.tar.xz')).toEqual(readFileSync(path))
    expect(f.emulator.pendingUploads()).toEqual([])
  })

  it('starts over when the server no longer knows the upload (NoSuchUpload)', async () => {
    const f = await openFixture()
    const { path, file, state } = await interrupted(f)
    const forgotten = { ...state, uploadId: 'expired-upload-id' }
    const context = uploadContext(forgotten)
    await f.uploader().upload(file, FOLDER, context)
    expect(storedPartNumbers(f.emulator)).toEqual([1, 2, 1, 2, 3, 4, 5])
    expect((context.saved[0] as S3Resume).uploadId).not.toBe('expired-upload-id')
    expect(await f.emulator.stored('Fermentrack Backups/resume.tar.xz')).toEqual(readFileSync(path))
  })

  it('aborts the multipart upload when the job is cancelled', async () => {
    const f = await openFixture()
    const { state, last } = await interrupted(f, new JobCancelled())
    expect(last).toBeNull()
    expect(f.emulator.pendingUploads()).toEqual([])
    const aborts = f.emulator.requests.filter(
      (r) => r.method === 'DELETE' && r.query.get('uploadId') === state.uploadId,
    )
    expect(aborts.map((r) => r.status)).toEqual([204])
  })

  it('keeps the upload for a resume when the signal is a pause, not a cancel', async () => {
    const f = await openFixture()
    await interrupted(f)
    expect(f.emulator.requests.some((r) => r.method === 'DELETE')).toBe(false)
    expect(f.emulator.pendingUploads()).toHaveLength(1)
  })

  it('aborts the saved upload of an older version of the file before starting again', async () => {
    const f = await openFixture()
    const { state } = await interrupted(f)
    const path = await writeBackup(f.dir, 'resume.tar.xz', 3 * 5 * MIB + 5, 7)
    await f.uploader().upload(await sourceFile(path), FOLDER, uploadContext(state))
    expect(
      f.emulator.requests.filter((r) => r.method === 'DELETE').map((r) => r.query.get('uploadId')),
    ).toEqual([state.uploadId])
    expect(f.emulator.pendingUploads()).toEqual([])
    expect(await f.emulator.stored('Fermentrack Backups/resume.tar.xz')).toEqual(readFileSync(path))
  })

  it('aborts the saved upload when the new version fits in one request', async () => {
    const f = await openFixture()
    const { state } = await interrupted(f)
    const path = await writeBackup(f.dir, 'resume.tar.xz', 1000, 9)
    await f.uploader().upload(await sourceFile(path), FOLDER, uploadContext(state))
    expect(f.emulator.pendingUploads()).toEqual([])
    expect(await f.emulator.stored('Fermentrack Backups/resume.tar.xz')).toEqual(readFileSync(path))
  })
})

describe('S3 errors as the queue acts on them', () => {
  async function failure(f: Awaited<ReturnType<typeof openFixture>>, size = 1000) {
    const path = await writeBackup(f.dir, 'x.tar.xz', size, 8)
    return f
      .uploader()
      .upload(await sourceFile(path), FOLDER, uploadContext())
      .catch((e: unknown) => e)
  }

  it('a revoked key pauses the connection for a reconnect (needs_reauth)', async () => {
    const f = await openFixture()
    f.emulator.revokeKey()
    const error = await failure(f)
    expect(isAppError(error, 'needs_reauth')).toBe(true)
    expect(f.rejections).toBe(1)
    expect(String((error as Error).message)).not.toContain('emulator-secret-access-key-0001')
  })

  it('SlowDown is rate_limited with the Retry-After the server gave', async () => {
    const f = await openFixture()
    f.emulator.inject({
      match: (r) => r.method === 'PUT',
      status: 503,
      code: 'SlowDown',
      headers: { 'retry-after': '3' },
    })
    const error = await failure(f)
    expect(isAppError(error, 'rate_limited')).toBe(true)
    expect((error as { retryAfterMs?: number }).retryAfterMs).toBe(3000)
  })

  it('EntityTooLarge is file_too_large', async () => {
    const f = await openFixture()
    f.emulator.inject({ match: (r) => r.method === 'PUT', status: 400, code: 'EntityTooLarge' })
    expect(isAppError(await failure(f), 'file_too_large')).toBe(true)
  })

  it("a vendor's quota refusal (MinIO's bucket quota) is insufficient_space", async () => {
    const f = await openFixture()
    f.emulator.inject({
      match: (r) => r.method === 'PUT',
      status: 400,
      code: 'XMinioAdminBucketQuotaExceeded',
    })
    expect(isAppError(await failure(f), 'insufficient_space')).toBe(true)
  })

  it('an endpoint that does not answer is a network error', async () => {
    const f = await openFixture()
    f.credentials.config.endpoint = 'http://127.0.0.1:9'
    expect(isAppError(await failure(f), 'network')).toBe(true)
  })

  it('a vanished source file is file_missing', async () => {
    const f = await openFixture()
    const error = await f
      .uploader()
      .upload(
        { path: `${f.dir}/gone.tar.xz`, name: 'gone.tar.xz', size: 10, mtimeMs: 0 },
        FOLDER,
        uploadContext(),
      )
      .catch((e: unknown) => e)
    expect(isAppError(error, 'file_missing')).toBe(true)
  })
})
