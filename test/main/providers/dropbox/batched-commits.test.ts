import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChunkBuffers } from '../../../../src/main/providers/dropbox/chunk-buffers.ts'
import type { SourceFile } from '../../../../src/main/uploads/uploader.ts'
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

const BATCH = '/2/files/upload_session/finish_batch_v2'
/** Long enough that only "every upload under way is waiting" sends a batch: no timing in play. */
const NO_WINDOW = { batchWindowMs: 10 * 60_000 }

let account: Account
beforeAll(async () => (account = await startAccount()))
afterAll(() => account.emulator.close())

function burst(prefix: string, sizes: number[]) {
  return sizes.map((size, i) => {
    const data = randomData(size)
    return { data, file: sourceFile(`${prefix}-${i}.tar.xz`, data) }
  })
}

/** Entries per finish_batch_v2 call since the `from`-th request. */
function batches(from: number): number[] {
  return account.emulator.requests
    .slice(from)
    .filter((r) => r.path === BATCH)
    .map((r) => r.batchEntries ?? -1)
}

function uploadAll(files: SourceFile[], options = {}) {
  const uploader = account.uploader({ chunkSize: 4 * MiB, ...options })
  return Promise.all(files.map((file) => uploader.upload(file, FOLDER, recorder().context)))
}

describe('batched commits', () => {
  it('commits a burst of parallel uploads, small and chunked, in one finish_batch_v2', async () => {
    const files = burst('burst', [1, 1000, 50_000, 0, 300_000, 4 * MiB + 7, 9 * MiB, 2048])
    const from = account.emulator.requests.length
    const results = await uploadAll(
      files.map((f) => f.file),
      NO_WINDOW,
    )
    expect(batches(from)).toEqual([files.length])
    // Small files too went through sessions (start with close: true), so nothing was committed
    // one by one.
    expect(contentTraffic(account.emulator, from)).toMatchObject({ upload: 0, finish: 0 })
    for (const [i, { data }] of files.entries()) {
      expect(results[i]).toMatchObject({ renamed: false, alreadyPresent: false, size: data.length })
      expectStored(account.emulator, `${FOLDER}/burst-${i}.tar.xz`, data)
    }
  })

  it('commits concurrent upload sessions in one finish_batch_v2 too, after their closing appends', async () => {
    // Three chunks and more: concurrent sessions (pieces in parallel, no data on start or commit).
    const files = burst('parallel', [12 * MiB + 5, 16 * MiB, 13 * MiB])
    const from = account.emulator.requests.length
    await uploadAll(
      files.map((f) => f.file),
      { ...NO_WINDOW, parallelChunks: 3 },
    )
    const starts = account.emulator.requests
      .slice(from)
      .filter((r) => r.path === '/2/files/upload_session/start')
    const types = starts.map((r) => (r.arg as { session_type?: { '.tag': string } }).session_type)
    expect(types).toEqual(Array(files.length).fill({ '.tag': 'concurrent' }))
    expect(batches(from)).toEqual([files.length])
    for (const [i, { data }] of files.entries())
      expectStored(account.emulator, `${FOLDER}/parallel-${i}.tar.xz`, data)
  })

  it('says it only waits for its commit once every byte is acknowledged, holding no chunk buffers', async () => {
    const files = burst('released', [13 * MiB + 5, 3000])
    const pools: ChunkBuffers[] = []
    const uploader = account.uploader({
      chunkSize: 4 * MiB,
      parallelChunks: 2,
      chunkBuffers: (limit) => (pools.push(new ChunkBuffers(limit)), pools.at(-1)!),
      ...NO_WINDOW,
    })
    const from = account.emulator.requests.length
    const seen: Array<{ name: string; acked: number; buffers: number; commits: number }> = []
    const uploads = files.map(({ file }) => {
      const rec = recorder()
      const awaitingCommit = () => {
        seen.push({
          name: file.name,
          acked: rec.progress.at(-1) ?? 0,
          buffers: pools[0]?.held ?? 0,
          commits: batches(from).length,
        })
        return false // no queue here: nothing starts in its place
      }
      return uploader.upload(file, FOLDER, { ...rec.context, awaitingCommit })
    })
    await Promise.all(uploads)
    // Only the large file went through a concurrent session (with its own pool) …
    expect(pools).toHaveLength(1)
    expect(pools[0]!.peak).toBeGreaterThan(0)
    // … each said so once every byte was acknowledged, before any commit, and the large one
    // held no chunk buffer then.
    expect(seen.map((s) => s.name).sort()).toEqual(files.map((f) => f.file.name).sort())
    for (const s of seen) {
      const size = files.find((f) => f.file.name === s.name)!.data.length
      expect(s).toMatchObject({ acked: size, commits: 0 })
    }
    expect(seen.find((s) => s.name === 'released-0.tar.xz')).toMatchObject({ buffers: 0 })
    expect(batches(from)).toEqual([2])
    for (const [i, { data }] of files.entries())
      expectStored(account.emulator, `${FOLDER}/released-${i}.tar.xz`, data)
  })

  it('sends fewer batches than files with the default window, each file stored exactly', async () => {
    const files = burst('window', Array(20).fill(10_000) as number[])
    const from = account.emulator.requests.length
    await uploadAll(files.map((f) => f.file))
    const sent = batches(from)
    expect(sent.length).toBeGreaterThan(0)
    expect(sent.length).toBeLessThan(files.length)
    expect(sent.reduce((a, b) => a + b, 0)).toBe(files.length)
    for (const [i, { data }] of files.entries())
      expectStored(account.emulator, `${FOLDER}/window-${i}.tar.xz`, data)
  })

  it('handles each failed entry as its own commit: a conflict keeps both, a busy one is retried', async () => {
    const other = randomData(500)
    await account.uploader().upload(sourceFile('taken-0.tar.xz', other), FOLDER, recorder().context)
    const files = burst('taken', [700, 800, 900, 1000])
    // The first entry of the next batch meets lock contention.
    account.emulator.injectFault(BATCH, { kind: 'too_many_write_operations' })
    const waits = account.waits.length
    const from = account.emulator.requests.length
    const results = await uploadAll(
      files.map((f) => f.file),
      NO_WINDOW,
    )
    expect(batches(from)[0]).toBe(files.length)
    expect(account.waits.length).toBeGreaterThan(waits)
    expect(results[0]).toMatchObject({ remotePath: `${FOLDER}/taken-0 (2).tar.xz`, renamed: true })
    expectStored(account.emulator, `${FOLDER}/taken-0.tar.xz`, other)
    expectStored(account.emulator, `${FOLDER}/taken-0 (2).tar.xz`, files[0]!.data)
    for (const [i, { data }] of files.entries()) {
      if (i > 0) expectStored(account.emulator, `${FOLDER}/taken-${i}.tar.xz`, data)
    }
    const names = [...account.emulator.files().values()].map((f) => f.name)
    expect(names.filter((n) => n.startsWith('taken-')).sort()).toEqual([
      'taken-0 (2).tar.xz',
      'taken-0.tar.xz',
      'taken-1.tar.xz',
      'taken-2.tar.xz',
      'taken-3.tar.xz',
    ])
  })

  it('sends a batch whose answer was lost again, and stores each file once', async () => {
    const files = burst('lost', [300, 400, 500])
    account.emulator.injectFault(BATCH, { kind: 'drop_response' })
    const from = account.emulator.requests.length
    const results = await uploadAll(
      files.map((f) => f.file),
      NO_WINDOW,
    )
    expect(batches(from)).toEqual([3, 3])
    for (const [i, { data }] of files.entries()) {
      expect(results[i]).toMatchObject({ remotePath: `${FOLDER}/lost-${i}.tar.xz`, renamed: false })
      expectStored(account.emulator, `${FOLDER}/lost-${i}.tar.xz`, data)
    }
    const names = [...account.emulator.files().values()].map((f) => f.name)
    expect(names.filter((n) => n.startsWith('lost-'))).toHaveLength(3)
  })

  it('commits a session left open (by an older version) on its own when its batch refuses it', async () => {
    const [open, other] = burst('open', [4000, 5000])
    // An earlier attempt sent every byte without close: true, and saved where it was.
    const started = await fetch(`${account.emulator.url}/2/files/upload_session/start`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await account.tokens.accessToken()}`,
        'content-type': 'application/octet-stream',
        'dropbox-api-arg': '{}',
      },
      body: open!.data,
    })
    const { session_id: sessionId } = (await started.json()) as { session_id: string }
    const { size, mtimeMs } = open!.file
    const resume = {
      kind: 'dropbox-upload-session',
      sessionId,
      offset: size,
      createdAt: account.clock.now,
      size,
      mtimeMs,
    }
    const uploader = account.uploader({ chunkSize: 4 * MiB, ...NO_WINDOW })
    const from = account.emulator.requests.length
    await Promise.all([
      uploader.upload(open!.file, FOLDER, recorder({ resume }).context),
      uploader.upload(other!.file, FOLDER, recorder().context),
    ])
    expect(batches(from)[0]).toBe(2)
    expect(contentTraffic(account.emulator, from)).toMatchObject({ start: 1, finish: 1 })
    expectStored(account.emulator, `${FOLDER}/open-0.tar.xz`, open!.data)
    expectStored(account.emulator, `${FOLDER}/open-1.tar.xz`, other!.data)
  })

  it('lets an aborted upload leave its batch without holding up the others', async () => {
    const files = burst('aborted', [100, 200, 300])
    const uploader = account.uploader({ chunkSize: 4 * MiB, ...NO_WINDOW })
    const recs = files.map(() => recorder())
    const from = account.emulator.requests.length
    const running = files.map(({ file }, i) => uploader.upload(file, FOLDER, recs[i]!.context))
    recs[0]!.controller.abort()
    const settled = await Promise.allSettled(running)
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'fulfilled', 'fulfilled'])
    expect(batches(from)).toEqual([2])
    expectStored(account.emulator, `${FOLDER}/aborted-1.tar.xz`, files[1]!.data)
    expectStored(account.emulator, `${FOLDER}/aborted-2.tar.xz`, files[2]!.data)
  })
})
