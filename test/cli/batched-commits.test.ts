import { readFileSync, utimesSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import { writeBackup } from '../support/backup-files.ts'
import { startCli } from '../support/cli-process.ts'
import {
  commitCount,
  dropboxHomePerTest,
  history,
  parseJson,
  storedFiles,
  type DropboxHome,
  type UploadReport,
} from '../support/upload-fixture.ts'
import { waitWhileRunning } from '../support/wait-for.ts'

// Real CLI processes on a busy two-core machine.
vi.setConfig({ testTimeout: 120_000 })

const FOLDER = '/Fermentrack Backups'
const BATCH = '/2/files/upload_session/finish_batch_v2'
const FILES = 12
const openHome = dropboxHomePerTest()

/** A first run over many old backups: small settled files, all ready at once. */
async function oldBackups(h: DropboxHome, count = FILES): Promise<string[]> {
  const paths: string[] = []
  for (let i = 0; i < count; i++) {
    const path = await writeBackup(
      h.backups,
      `old-${String(i).padStart(2, '0')}.tar.xz`,
      20_000 + i,
      40 + i,
    )
    const then = Date.now() / 1000 - 3600
    utimesSync(path, then, then)
    paths.push(path)
  }
  return paths
}

/** Every backup is at its own name exactly once, holding exactly the local bytes. */
function expectEachStoredOnce(h: DropboxHome, paths: string[]): void {
  const stored = storedFiles(h.emulator)
  expect(stored.map((f) => f.path_display).sort()).toEqual(
    paths.map((p) => `${FOLDER}/${p.split('/').at(-1)}`).sort(),
  )
  for (const path of paths) {
    const file = stored.find((f) => f.path_display === `${FOLDER}/${path.split('/').at(-1)}`)!
    expect(readFileSync(file.localPath).equals(readFileSync(path)), path).toBe(true)
  }
}

const batchCalls = (h: DropboxHome) => h.emulator.requests.filter((r) => r.path === BATCH)

/** `upload` through the CLI, which reports every backup done. */
async function uploadAllDone(h: DropboxHome, paths: string[]): Promise<void> {
  const run = startCli(['upload', ...paths, '--json'], h.env)
  run.child.stdin.end()
  const result = await run.done
  expect(result.code, result.stderr).toBe(0)
  expect(parseJson<UploadReport[]>(result).map((r) => r.status)).toEqual(
    Array(paths.length).fill('done'),
  )
}

/**
 * Every file was committed exactly once, batched or (when alone) on its own; the entries of each
 * finish_batch_v2 call.
 */
function committedOnceEach(h: DropboxHome, files: number): number[] {
  expect(commitCount(h.emulator)).toBe(files)
  return batchCalls(h).map((r) => r.batchEntries ?? 0)
}

describe('batched commits through the queue', () => {
  it('commits a burst of ready backups in fewer finish_batch_v2 calls than files, each recorded on its own', async () => {
    const h = await openHome({ concurrency: 4 })
    const paths = await oldBackups(h)
    await uploadAllDone(h, paths)
    const entries = committedOnceEach(h, FILES)
    // Some batch carried several commits, so there were fewer calls than batched files.
    expect(Math.max(...entries)).toBeGreaterThan(1)
    expect(entries.length).toBeLessThan(entries.reduce((a, b) => a + b, 0))
    expectEachStoredOnce(h, paths)
    const { jobs } = await history(h.env)
    expect(jobs.map((j) => [j.name, j.status]).sort()).toEqual(
      paths.map((p) => [p.split('/').at(-1), 'done']).sort(),
    )
  })

  it('with the default concurrency, batches hold more commits than uploads run at once', async () => {
    const h = await openHome()
    const count = 30
    const paths = await oldBackups(h, count)
    await uploadAllDone(h, paths)
    // A job waiting for its commit left its slot (2 by default) to the next upload, so more
    // commits than that were waiting together when a batch went out.
    expect(Math.max(...committedOnceEach(h, count))).toBeGreaterThan(2)
    expectEachStoredOnce(h, paths)
    const { jobs } = await history(h.env)
    expect(jobs).toHaveLength(count)
    expect(jobs.every((j) => j.status === 'done')).toBe(true)
  })

  it('waits out a 503 and a 429 on finish_batch_v2, and every backup arrives once', async () => {
    const h = await openHome({ concurrency: 4 })
    const paths = await oldBackups(h)
    h.emulator.injectFault(BATCH, { kind: 'status', status: 503 })
    h.emulator.injectFault(BATCH, { kind: 'rate_limit', retryAfter: 1, body: 'json' })
    const run = startCli(['upload', ...paths, '--json'], h.env)
    run.child.stdin.end()
    const result = await run.done
    expect(result.code, result.stderr).toBe(0)
    expect(
      batchCalls(h)
        .map((r) => r.status)
        .slice(0, 2),
    ).toEqual([503, 429])
    expectEachStoredOnce(h, paths)
    expect((await history(h.env)).jobs.every((j) => j.status === 'done')).toBe(true)
  })

  it.each([
    [
      'committed, its answer lost',
      [{ kind: 'drop_response' as const }, { kind: 'delay' as const, ms: 90_000 }],
    ],
    ['not yet committed', [{ kind: 'delay' as const, ms: 90_000 }]],
  ])('a kill -9 while a batch is %s neither loses nor duplicates a backup', async (_, faults) => {
    const h = await openHome({ concurrency: 4 })
    const paths = await oldBackups(h)
    for (const fault of faults) h.emulator.injectFault(BATCH, fault)
    const first = startCli(['upload', ...paths, '--json'], h.env)
    first.child.stdin.end()
    // The last fault holds its request: the process is killed while it waits for the answer.
    await waitWhileRunning(first, () => batchCalls(h).length >= faults.length, {
      what: `${faults.length} finish_batch_v2 calls`,
      timeoutMs: 60_000,
    })
    first.child.kill('SIGKILL')
    expect((await first.done).code).toBeNull()
    // A batch was cut off: its files were not all recorded as done …
    const recorded = (await history(h.env)).jobs.filter((j) => j.status === 'done')
    expect(recorded.length).toBeLessThan(FILES)
    if (faults[0]!.kind === 'drop_response') {
      // … though that batch of several commits was applied before its answer was lost (it may
      // hold every file, as waiting commits leave their queue slots to the next uploads) …
      const applied = batchCalls(h)[0]!.batchEntries ?? 0
      expect(applied).toBeGreaterThan(1)
      expect(storedFiles(h.emulator).length).toBeGreaterThanOrEqual(applied)
    } else {
      // … nor all stored.
      expect(storedFiles(h.emulator).length).toBeLessThan(FILES)
    }

    const second = startCli(['upload', ...paths, '--json'], h.env)
    second.child.stdin.end()
    const result = await second.done
    expect(result.code, result.stderr).toBe(0)
    expect(parseJson<UploadReport[]>(result).map((r) => r.status)).toEqual(
      Array(FILES).fill('done'),
    )
    expectEachStoredOnce(h, paths)
    const { jobs } = await history(h.env)
    expect(jobs).toHaveLength(FILES)
    expect(jobs.every((j) => j.status === 'done')).toBe(true)
  })
})
