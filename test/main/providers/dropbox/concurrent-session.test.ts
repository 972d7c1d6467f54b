import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ChunkBuffers } from '../../../../src/main/providers/dropbox/chunk-buffers.ts'
import type { DropboxResume } from '../../../../src/main/providers/dropbox/resume-state.ts'
import { contentHashOf } from '../../../emulators/dropbox/content-hash.ts'
import type { RequestRecord } from '../../../emulators/dropbox/index.ts'
import {
  expectStored,
  FOLDER,
  MiB,
  randomData,
  recorder,
  sourceFile,
  startAccount,
  type Account,
} from './uploader-fixture.ts'

const START = '/2/files/upload_session/start'
const APPEND = '/2/files/upload_session/append_v2'
const FINISH = '/2/files/upload_session/finish'

interface AppendArg {
  cursor: { session_id: string; offset: number }
  close?: boolean
  content_hash?: string
}

let account: Account
beforeEach(async () => (account = await startAccount()))
afterEach(() => account.emulator.close())

function appends(from = 0): Array<RequestRecord & { arg: AppendArg }> {
  return account.emulator.requests.slice(from).filter((r) => r.path === APPEND) as Array<
    RequestRecord & { arg: AppendArg }
  >
}

/** A link so slow (10 s per clock reading) that the sizer keeps the smallest piece, 4 MiB. */
function slowLinkClock(): () => number {
  let ticks = 0
  return () => (ticks += 10_000)
}

/** Keeps each pool the uploader makes, to read its peak afterwards. */
function poolWatch() {
  const pools: ChunkBuffers[] = []
  const chunkBuffers = (limit: number) => {
    const pool = new ChunkBuffers(limit)
    pools.push(pool)
    return pool
  }
  return { pools, chunkBuffers }
}

describe('concurrent upload sessions', () => {
  it('appends 4 MiB-multiple pieces in parallel, at most parallelChunks at once, and stores the file byte-exact', async () => {
    const data = randomData(9 * 4 * MiB + 12345)
    const watch = poolWatch()
    // Each append is held a moment, so the ones sent together are on the server together.
    account.emulator.injectFault(APPEND, { kind: 'delay', ms: 150 }, 20)
    const uploader = account.uploader({
      chunkSize: 4 * MiB,
      parallelChunks: 3,
      chunkBuffers: watch.chunkBuffers,
      clock: slowLinkClock(),
    })
    const result = await uploader.upload(sourceFile('big.tar.xz', data), FOLDER, recorder().context)

    expectStored(account.emulator, result.remotePath, data)
    expect(account.emulator.files().get(result.remotePath.toLowerCase())!.content_hash).toBe(
      contentHashOf(data),
    )
    const [start] = account.emulator.requests.filter((r) => r.path === START)
    expect(start).toMatchObject({ bodyBytes: 0, arg: { session_type: { '.tag': 'concurrent' } } })
    expect(account.emulator.requests.filter((r) => r.path === FINISH)).toMatchObject([
      { bodyBytes: 0, status: 200 },
    ])
    const sent = appends()
    const offsets = sent.map((r) => r.arg.cursor.offset)
    expect(new Set(offsets).size).toBe(offsets.length)
    expect([...offsets].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 10 }, (_, i) => i * 4 * MiB),
    )
    for (const request of sent.slice(0, -1)) {
      expect(request.arg.cursor.offset % (4 * MiB)).toBe(0)
      expect(request.bodyBytes % (4 * MiB)).toBe(0)
      expect(request.arg.close).toBeUndefined()
    }
    // The closing piece goes last, once all others are in.
    expect(sent.at(-1)!.arg).toMatchObject({ cursor: { offset: 9 * 4 * MiB }, close: true })
    expect(sent.at(-1)!.bodyBytes).toBe(12345)
    // Each request carries the hash of its own bytes.
    for (const request of sent) {
      const at = request.arg.cursor.offset
      expect(request.arg.content_hash).toBe(
        contentHashOf(data.subarray(at, at + request.bodyBytes)),
      )
    }
    expect(account.emulator.peakInFlight(APPEND)).toBeGreaterThanOrEqual(2)
    expect(account.emulator.peakInFlight(APPEND)).toBeLessThanOrEqual(3)
    // Memory: the pieces on the wire plus the one being read, never more.
    expect(watch.pools).toHaveLength(1)
    expect(watch.pools[0]!.peak).toBeLessThanOrEqual(4)
  })

  it('saves the set of acknowledged pieces, gaps included, and after a stop sends only the missing ones', async () => {
    const data = randomData(8 * 4 * MiB + 100)
    const file = sourceFile('gappy.tar.xz', data)
    // The first piece is held long enough for the next ones to be acknowledged before it.
    account.emulator.injectFault(APPEND, { kind: 'delay', ms: 5000 })
    account.emulator.injectFault(APPEND, { kind: 'delay', ms: 100 }, 20)
    const first = recorder({
      onProgress: (bytes, rec) => bytes >= 2 * 4 * MiB && rec.controller.abort(),
    })
    const options = { chunkSize: 4 * MiB, parallelChunks: 3, clock: slowLinkClock() }
    await expect(account.uploader(options).upload(file, FOLDER, first.context)).rejects.toThrow()
    const saved = first.saved.at(-1) as DropboxResume
    const held = saved.pieces!.map(([offset]) => offset)
    // A set with a gap at the start, which no single offset could describe.
    expect(held.length).toBeGreaterThanOrEqual(2)
    expect(held).not.toContain(0)
    expect(saved.offset).toBe(0)
    for (const [offset, length] of saved.pieces!) {
      expect(data.subarray(offset, offset + length).length).toBe(4 * MiB)
    }

    const before = account.emulator.requests.length
    const second = recorder({ resume: saved })
    const result = await account.uploader(options).upload(file, FOLDER, second.context)
    expectStored(account.emulator, result.remotePath, data)
    expect(account.emulator.requests.slice(before).filter((r) => r.path === START)).toEqual([])
    const resent = appends(before).map((r) => r.arg.cursor.offset)
    const all = Array.from({ length: 9 }, (_, i) => i * 4 * MiB)
    expect(resent.sort((a, b) => a - b)).toEqual(all.filter((offset) => !held.includes(offset)))
  })

  it('continues a saved sequential session as a sequential one (old resume states)', async () => {
    const data = randomData(6 * 4 * MiB)
    const file = sourceFile('old.tar.xz', data)
    const first = recorder({
      onProgress: (bytes, rec) => bytes >= 8 * MiB && rec.controller.abort(),
    })
    const sequential = account.uploader({ chunkSize: 4 * MiB, parallelChunks: 1 })
    await expect(sequential.upload(file, FOLDER, first.context)).rejects.toThrow()
    const saved = first.saved.at(-1) as DropboxResume
    expect(saved.pieces).toBeUndefined()
    const before = account.emulator.requests.length
    const concurrentUploader = account.uploader({ chunkSize: 4 * MiB, parallelChunks: 4 })
    const result = await concurrentUploader.upload(
      file,
      FOLDER,
      recorder({ resume: saved }).context,
    )
    expectStored(account.emulator, result.remotePath, data)
    const after = account.emulator.requests.slice(before)
    expect(after.filter((r) => r.path === START)).toEqual([])
    expect(appends(before)[0]!.arg.cursor.offset).toBe(saved.offset)
  })

  it('keeps files under three chunks in a sequential session', async () => {
    const data = randomData(2 * 4 * MiB + 7)
    const result = await account
      .uploader({ chunkSize: 4 * MiB, parallelChunks: 4 })
      .upload(sourceFile('small.tar.xz', data), FOLDER, recorder().context)
    expectStored(account.emulator, result.remotePath, data)
    const [start] = account.emulator.requests.filter((r) => r.path === START)
    expect(start!.bodyBytes).toBe(4 * MiB)
    expect(start!.arg).not.toHaveProperty('session_type')
  })

  it('sizes pieces from the measured throughput, on 4 MiB multiples within 150 MiB', async () => {
    const data = randomData(96 * MiB + 5)
    // A link that moves a piece's bytes in a few clock ticks: the sizer asks for larger pieces.
    let ticks = 0
    const clock = () => (ticks += 100)
    const result = await account
      .uploader({ chunkSize: 4 * MiB, parallelChunks: 2, clock })
      .upload(sourceFile('adaptive.tar.xz', data), FOLDER, recorder().context)
    expectStored(account.emulator, result.remotePath, data)
    const sizes = appends().map((r) => r.bodyBytes)
    expect(sizes[0]).toBe(4 * MiB)
    expect(Math.max(...sizes)).toBeGreaterThan(4 * MiB)
    for (const size of sizes.slice(0, -1)) {
      expect(size % (4 * MiB)).toBe(0)
      expect(size).toBeLessThanOrEqual(150 * MiB)
    }
  })

  it('keeps every piece at chunkSize when adaptive sizing is off', async () => {
    const data = randomData(40 * MiB + 3)
    let ticks = 0
    const clock = () => (ticks += 100)
    const result = await account
      .uploader({ chunkSize: 8 * MiB, parallelChunks: 2, clock, adaptiveChunks: false })
      .upload(sourceFile('fixed.tar.xz', data), FOLDER, recorder().context)
    expectStored(account.emulator, result.remotePath, data)
    expect(appends().map((r) => r.bodyBytes)).toEqual([...Array(5).fill(8 * MiB), 3])
  })

  it('starts a new session when Dropbox lost the old one (not_found), and still stores the file', async () => {
    const data = randomData(4 * 4 * MiB + 1)
    const file = sourceFile('lost.tar.xz', data)
    const resume: DropboxResume = {
      kind: 'dropbox-upload-session',
      sessionId: 'pid_upload_session:gone',
      offset: 0,
      createdAt: account.clock.now,
      size: file.size,
      mtimeMs: file.mtimeMs,
      pieces: [[4 * MiB, 4 * MiB]],
    }
    const result = await account
      .uploader({ chunkSize: 4 * MiB, parallelChunks: 3 })
      .upload(file, FOLDER, recorder({ resume }).context)
    expectStored(account.emulator, result.remotePath, data)
    expect(account.emulator.count(START)).toBe(1)
  })
})

describe('ChunkBuffers', () => {
  it('never holds more buffers than its limit, and hands a released one to the next taker', async () => {
    const pool = new ChunkBuffers(2)
    const a = await pool.acquire(10)
    await pool.acquire(10)
    let third: Buffer | undefined
    const waiting = pool.acquire(10).then((buffer) => (third = buffer))
    await new Promise((resolve) => setImmediate(resolve))
    expect(third).toBeUndefined()
    pool.release(a)
    await waiting
    expect(third).toBe(a)
    expect(pool.peak).toBe(2)
  })

  it('replaces a free buffer that is too small instead of adding one', async () => {
    const pool = new ChunkBuffers(1)
    pool.release(await pool.acquire(10))
    const larger = await pool.acquire(20)
    expect(larger.length).toBe(20)
    expect(pool.peak).toBe(1)
  })
})
