import { readdirSync, readFileSync, rmSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { JobStore } from '../../src/main/uploads/job-store.ts'
import { dropboxContentHash, MIB, seededRandom, writeBackup } from '../support/backup-files.ts'
import { startCli, tempDir } from '../support/cli-process.ts'
import {
  CONTENT_ROUTES,
  contentRequests,
  dropboxHomePerTest,
  history,
  parseJson,
  startWatch,
  status,
  stopCli,
  storedAt,
  storedFiles,
  type DropboxHome,
  type UploadReport,
} from '../support/upload-fixture.ts'
import { waitForOutput, waitWhileRunning } from '../support/wait-for.ts'

// Each test drives several real CLI processes; a busy two-core machine needs more than 60 s.
vi.setConfig({ testTimeout: 120_000 })

const FOLDER = '/Fermentrack Backups'
const openHome = dropboxHomePerTest()
const APPEND = '/2/files/upload_session/append_v2'

const dirs: string[] = []
afterEach(async () => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function age(path: string): void {
  const then = Date.now() / 1000 - 60
  utimesSync(path, then, then)
}

/** Jobs a killed process left uploading or verifying, read from its job store. */
function inFlight(home: string): number {
  const store = new JobStore(home)
  try {
    return store.inFlight().length
  } finally {
    store.close()
  }
}

const acknowledgedAppends = (h: DropboxHome) =>
  h.emulator.requests.filter((r) => r.path === APPEND && r.status === 200).length

describe('kill -9 in the middle of a sequential upload session', () => {
  it.each(['watch', 'upload'] as const)(
    'a restarted %s continues the session from the acknowledged offset, never from byte 0',
    async (restart) => {
      const chunkSize = 4 * MIB
      // One chunk at a time (concurrent sessions have their own test: concurrent-crash.test.ts).
      const h = await openHome({ chunkSize, parallelChunks: 1 })
      const size = 10 * chunkSize + 4321
      const path = await writeBackup(h.backups, 'killed.tar.xz', size, 11)
      age(path)
      // Every append is slowed, so the kill lands while one is held, before its body is read.
      h.emulator.injectFault(APPEND, { kind: 'delay', ms: 150 }, 100)
      const first = startCli(['upload', path, '--json'], h.env)
      await waitWhileRunning(first, () => acknowledgedAppends(h) >= 2, {
        what: 'two acknowledged appends',
        timeoutMs: 30_000,
      })

      first.child.kill('SIGKILL')
      expect((await first.done).code).toBeNull()
      expect(h.emulator.count('/2/files/upload_session/finish')).toBe(0)
      expect(storedFiles(h.emulator)).toEqual([])
      const beforeRestart = h.emulator.requests.length

      if (restart === 'watch') {
        const watch = await startWatch(h.backups, h.env)
        await waitForOutput(watch, 'Uploaded killed.tar.xz')
        expect((await stopCli(watch)).code).toBe(0)
      } else {
        const second = startCli(['upload', path, '--json'], h.env)
        second.child.stdin.end()
        const result = await second.done
        expect(result.code, result.stderr).toBe(0)
        expect(parseJson<UploadReport[]>(result)).toMatchObject([
          { status: 'done', remote_path: `${FOLDER}/killed.tar.xz` },
        ])
      }

      const afterRestart = h.emulator.requests.slice(beforeRestart)
      expect(afterRestart.filter((r) => r.path === '/2/files/upload_session/start')).toEqual([])
      expect(h.emulator.count('/2/files/upload_session/start')).toBe(1)
      expect(h.emulator.count('/2/files/upload')).toBe(0)
      const sent = contentRequests(h.emulator).reduce((sum, r) => sum + r.bodyBytes, 0)
      expect(sent).toBeGreaterThanOrEqual(size)
      expect(sent).toBeLessThanOrEqual(size + chunkSize)
      // At least three chunks were acknowledged (start and two appends); at most the last of
      // them was never recorded as done before the kill, and is sent again.
      const resent = afterRestart
        .filter((r) => CONTENT_ROUTES.includes(r.path))
        .reduce((sum, r) => sum + r.bodyBytes, 0)
      expect(resent).toBeLessThanOrEqual(size - 2 * chunkSize)
      expect(storedAt(h.emulator, `${FOLDER}/killed.tar.xz`)!.content_hash).toBe(
        await dropboxContentHash(path),
      )
      // The killed attempt was given back at recovery: only the one that finished counts.
      expect((await history(h.env)).jobs).toMatchObject([{ status: 'done', attempts: 1 }])
    },
  )
})

describe('kill -9 at random moments, run after run', () => {
  it('ends with every backup exactly once at each destination, verified, and one done job each', async () => {
    const chunkSize = 4 * MIB
    const local = tempDir('nas')
    dirs.push(local)
    // Sequential sessions keep each upload long enough for the kills to land inside them; a
    // kill inside a concurrent session has its own test (concurrent-crash.test.ts).
    const h = await openHome(
      { chunkSize, concurrency: 2, parallelChunks: 1 },
      { FTB_LOCAL_DESTINATION: local },
    )
    const files = [
      { name: 'a-small.tar.xz', size: 20_000 },
      // The smallest complete .xz: one of 0 bytes is no archive, and waits for its writer.
      { name: 'b-empty.tar.xz', size: 32 },
      { name: 'c-one-chunk.tar.xz', size: chunkSize },
      { name: 'd-three-chunks.tar.xz', size: 2 * chunkSize + 99 },
      { name: 'e-four-chunks.tar.xz', size: 4 * chunkSize - 1 },
      { name: 'f-small.tar.xz', size: 300_000 },
      { name: 'g-five-chunks.tar.xz', size: 4 * chunkSize + 1 },
      { name: 'h-three-chunks.tar.xz', size: 3 * chunkSize },
    ]
    const paths: string[] = []
    for (const [i, { name, size }] of files.entries()) {
      paths.push(await writeBackup(h.backups, name, size, 20 + i))
      age(paths[i]!)
    }
    // Slowed down (some 6 s of requests in all) so the kills land inside requests as well as
    // between them, at every step: looking for an existing copy, sending, committing.
    for (const route of [...CONTENT_ROUTES, '/2/files/get_metadata']) {
      h.emulator.injectFault(route, { kind: 'delay', ms: 200 }, 1000)
    }
    const random = seededRandom(20261122)
    const killedAt: number[] = []
    let caughtMidUpload = 0
    for (let run = 0; run < 8; run++) {
      const cli = startCli(['watch', '--dir', h.backups], h.env)
      cli.child.stdin.end()
      const delay = Math.round(250 + random() * 1750)
      killedAt.push(delay)
      await sleep(delay)
      cli.child.kill('SIGKILL')
      await cli.done
      if (inFlight(h.home) > 0) caughtMidUpload++
    }
    // Otherwise the kills only ever hit an idle process and this test proves nothing.
    expect(caughtMidUpload, `kills at ${killedAt.join(', ')} ms`).toBeGreaterThanOrEqual(3)

    const final = await startWatch(h.backups, h.env)
    await waitWhileRunning(
      final,
      async () => (await status(h.env)).counts.done === files.length * 2,
      {
        what: `${files.length * 2} done jobs (kills at ${killedAt.join(', ')} ms)`,
        timeoutMs: 60_000,
        intervalMs: 300,
      },
    )
    expect((await stopCli(final)).code).toBe(0)

    expect(storedFiles(h.emulator).map((f) => f.name)).toEqual(files.map((f) => f.name))
    const copies = readdirSync(join(local, 'Fermentrack Backups')).sort()
    expect(copies).toEqual(files.map((f) => f.name))
    for (const [i, { name }] of files.entries()) {
      const hash = await dropboxContentHash(paths[i]!)
      expect(storedAt(h.emulator, `${FOLDER}/${name}`)!.content_hash, name).toBe(hash)
      const copy = readFileSync(join(local, 'Fermentrack Backups', name))
      expect(copy.equals(readFileSync(paths[i]!)), name).toBe(true)
    }
    const { jobs } = await history(h.env)
    expect(jobs).toHaveLength(files.length * 2)
    for (const destination of [h.connectionId, 'local']) {
      const done = jobs.filter((j) => j.connection_id === destination && j.status === 'done')
      expect(done.map((j) => j.name).sort(), destination).toEqual(files.map((f) => f.name))
    }
    const counts = (await status(h.env)).counts
    expect(counts).toEqual({ ...counts, queued: 0, uploading: 0, verifying: 0, failed: 0 })
  })
})
