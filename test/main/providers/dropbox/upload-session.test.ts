import { appendFileSync, rmSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DropboxResume } from '../../../../src/main/providers/dropbox/resume-state.ts'
import { isAppError } from '../../../../src/shared/app-error.ts'
import {
  contentTraffic,
  expectStored,
  FOLDER,
  MiB,
  randomData,
  recorder,
  sourceFile,
  startAccount,
  type Account,
} from './uploader-fixture.ts'

const APPEND = '/2/files/upload_session/append_v2'
const DAY = 24 * 60 * 60 * 1000

// A fresh emulator per test: these tests move its clock and leave sessions behind.
let account: Account
beforeEach(async () => (account = await startAccount()))
afterEach(() => account.emulator.close())

function stopAfter(offset: number) {
  return recorder({ onProgress: (bytes, rec) => bytes >= offset && rec.controller.abort() })
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected the upload to fail'),
    (error: unknown) => error,
  )
}

describe('upload session recovery', () => {
  it('continues from correct_offset after an append whose answer was lost', async () => {
    const data = randomData(40 * MiB)
    account.emulator.injectFault(APPEND, { kind: 'drop_response' })
    const result = await account
      .uploader()
      .upload(sourceFile('dropped.tar.xz', data), FOLDER, recorder().context)
    const traffic = contentTraffic(account.emulator)
    expect(traffic.bytes).toBeLessThanOrEqual(data.length + 8 * MiB)
    // The empty probe append learns correct_offset without sending the chunk again.
    expect(traffic).toEqual({ bytes: data.length, upload: 0, start: 1, append: 5, finish: 1 })
    const appends = account.emulator.requests.filter((r) => r.path === APPEND)
    expect(appends.map((r) => r.status)).toEqual([0, 409, 200, 200, 200])
    expectStored(account.emulator, result.remotePath, data)
  })

  it('sends a chunk again when the connection broke before it arrived', async () => {
    const data = randomData(20 * MiB)
    account.emulator.injectFault(APPEND, { kind: 'reset_mid_body' })
    const result = await account
      .uploader()
      .upload(sourceFile('reset.tar.xz', data), FOLDER, recorder().context)
    const appends = account.emulator.requests.filter((r) => r.path === APPEND)
    expect(appends.map((r) => r.status)).toEqual([0, 200, 200, 200])
    expect(appends[2]!.bodyBytes).toBe(8 * MiB)
    expectStored(account.emulator, result.remotePath, data)
  })

  it('resumes a saved session in a new uploader without re-sending acknowledged bytes', async () => {
    const data = randomData(40 * MiB)
    const file = sourceFile('resumed.tar.xz', data)
    const first = stopAfter(16 * MiB)
    const aborted = await failure(account.uploader().upload(file, FOLDER, first.context))
    expect((aborted as Error).name).toBe('AbortError')
    expect(contentTraffic(account.emulator)).toEqual({
      bytes: 16 * MiB,
      upload: 0,
      start: 1,
      append: 1,
      finish: 0,
    })
    const saved = first.saved.at(-1) as DropboxResume
    expect(saved).toMatchObject({
      offset: 16 * MiB,
      size: data.length,
      createdAt: account.clock.now,
    })
    expect(first.saved).toHaveLength(2)

    const from = account.emulator.requests.length
    const second = recorder({ resume: saved })
    const result = await account.uploader().upload(file, FOLDER, second.context)
    expect(contentTraffic(account.emulator, from)).toEqual({
      bytes: 24 * MiB,
      upload: 0,
      start: 0,
      append: 3,
      finish: 1,
    })
    expect(second.progress).toEqual([16, 24, 32, 40, 40].map((n) => n * MiB))
    expect(result.checksum.value).toBe(
      account.emulator.files().get(result.remotePath.toLowerCase())!.content_hash,
    )
    expectStored(account.emulator, result.remotePath, data)
  })

  it('starts over when the saved session is older than 7 days', async () => {
    const data = randomData(20 * MiB)
    const file = sourceFile('stale.tar.xz', data)
    const first = stopAfter(8 * MiB)
    await failure(account.uploader().upload(file, FOLDER, first.context))
    account.clock.now += 7 * DAY + 1000
    const from = account.emulator.requests.length
    const second = recorder({ resume: first.saved.at(-1) })
    const result = await account.uploader().upload(file, FOLDER, second.context)
    expect(contentTraffic(account.emulator, from)).toEqual({
      bytes: data.length,
      upload: 0,
      start: 1,
      append: 2,
      finish: 1,
    })
    expect(second.saved[0]).toMatchObject({ offset: 8 * MiB, createdAt: account.clock.now })
    expectStored(account.emulator, result.remotePath, data)
  })

  it('starts a new session when Dropbox no longer knows the saved one', async () => {
    const data = randomData(20 * MiB)
    const file = sourceFile('unknown-session.tar.xz', data)
    const resume: DropboxResume = {
      kind: 'dropbox-upload-session',
      sessionId: 'pid_upload_session:gone',
      offset: 8 * MiB,
      createdAt: account.clock.now,
      size: file.size,
      mtimeMs: file.mtimeMs,
    }
    const result = await account.uploader().upload(file, FOLDER, recorder({ resume }).context)
    expect(contentTraffic(account.emulator)).toMatchObject({ start: 1, append: 3, finish: 1 })
    expectStored(account.emulator, result.remotePath, data)
  })

  it('aborts promptly mid-request and leaves a resume state that works', async () => {
    const data = randomData(20 * MiB)
    const file = sourceFile('abort.tar.xz', data)
    account.emulator.injectFault(APPEND, { kind: 'delay', ms: 3000 })
    const first = recorder({
      onProgress: (bytes, rec) => bytes === 8 * MiB && setTimeout(() => rec.controller.abort(), 50),
    })
    const started = Date.now()
    const aborted = await failure(account.uploader().upload(file, FOLDER, first.context))
    expect((aborted as Error).name).toBe('AbortError')
    expect(Date.now() - started).toBeLessThan(1500)
    const from = account.emulator.requests.length
    const result = await account
      .uploader()
      .upload(file, FOLDER, recorder({ resume: first.saved.at(-1) }).context)
    expect(contentTraffic(account.emulator, from)).toMatchObject({ start: 0, append: 2, finish: 1 })
    expectStored(account.emulator, result.remotePath, data)
  })
})

describe('file safety during a session', () => {
  it('stops with file_changed and commits nothing when the file grows between chunks', async () => {
    const file = sourceFile('growing.tar.xz', randomData(20 * MiB))
    const rec = recorder({
      onProgress: (bytes) => bytes === 8 * MiB && appendFileSync(file.path, 'more'),
    })
    const error = await failure(account.uploader().upload(file, FOLDER, rec.context))
    expect(isAppError(error, 'file_changed')).toBe(true)
    expect(contentTraffic(account.emulator).finish).toBe(0)
    expect(account.emulator.files().size).toBe(0)
  })

  it('stops with file_missing when the file is deleted between chunks', async () => {
    const file = sourceFile('deleted.tar.xz', randomData(20 * MiB))
    const rec = recorder({ onProgress: (bytes) => bytes === 8 * MiB && rmSync(file.path) })
    const error = await failure(account.uploader().upload(file, FOLDER, rec.context))
    expect(isAppError(error, 'file_missing')).toBe(true)
    expect(account.emulator.files().size).toBe(0)
  })
})
