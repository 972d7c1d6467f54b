import { statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import {
  backupBytes,
  chunksOf,
  dropboxContentHash,
  MIB,
  writeBackup,
  writeSlowly,
} from '../support/backup-files.ts'
import { runCli, startCli, tempDir } from '../support/cli-process.ts'
import {
  contentRequests,
  dropboxHomePerTest,
  history,
  startWatch,
  stderrBeyondWarnings,
  stopCli,
  storedAt,
  storedFiles,
} from '../support/upload-fixture.ts'
import { waitForOutput, waitWhileRunning } from '../support/wait-for.ts'
import { fileSends } from '../support/dropbox-fixture.ts'

// Each test drives several real CLI processes; a busy two-core machine needs more than 60 s.
vi.setConfig({ testTimeout: 120_000 })

const FOLDER = '/Fermentrack Backups'
const openHome = dropboxHomePerTest()

/** Gives a file an mtime in the past, as a backup written before the watch started would have. */
function age(path: string, seconds = 60): void {
  const then = Date.now() / 1000 - seconds
  utimesSync(path, then, then)
}

describe('watch', () => {
  it('uploads a backup written slowly once, complete, after it has settled', async () => {
    const h = await openHome({ settleSeconds: 1 })
    const watch = await startWatch(h.backups, h.env)
    const path = join(h.backups, 'slow.tar.xz')
    const chunks = chunksOf(8, 64 * 1024, 3)

    await writeSlowly(path, chunks, 300)
    const written = Date.now()
    await waitForOutput(watch, 'Uploaded slow.tar.xz')
    // Settled means still for settleSeconds after the last write, not uploaded while growing.
    expect(Date.now() - written).toBeGreaterThanOrEqual(900)

    const stored = storedAt(h.emulator, `${FOLDER}/slow.tar.xz`)
    expect(stored?.size).toBe(8 * 64 * 1024)
    expect(stored!.content_hash).toBe(await dropboxContentHash(path))
    expect(contentRequests(h.emulator)).toEqual([
      { method: 'POST', path: '/2/files/upload', status: 200, bodyBytes: 8 * 64 * 1024 },
    ])
    const { jobs } = await history(h.env)
    expect(jobs).toMatchObject([{ name: 'slow.tar.xz', status: 'done', attempts: 1 }])
    expect((await stopCli(watch)).code).toBe(0)
  })

  it('uploads only names matching the patterns: never .part files, dotfiles or other types', async () => {
    const h = await openHome({ settleSeconds: 0.5, patterns: ['*.tar.xz', '*.tgz'] })
    for (const name of ['.hidden.tar.xz', 'early.tar.xz.part', 'notes.txt', 'other.zip']) {
      writeFileSync(join(h.backups, name), backupBytes(100, 1))
    }
    const watch = await startWatch(h.backups, h.env)
    for (const name of ['.late.tar.xz', 'late.tar.xz.part', 'late.zip']) {
      writeFileSync(join(h.backups, name), backupBytes(100, 2))
    }
    await writeBackup(h.backups, 'real.tar.xz', 1000, 3)
    await writeBackup(h.backups, 'also.tgz', 1000, 4)

    await waitForOutput(watch, 'Uploaded real.tar.xz')
    await waitForOutput(watch, 'Uploaded also.tgz')

    expect(storedFiles(h.emulator).map((f) => f.name)).toEqual(['also.tgz', 'real.tar.xz'])
    const { jobs } = await history(h.env)
    expect(jobs.map((job) => job.name).sort()).toEqual(['also.tgz', 'real.tar.xz'])
    expect((await stopCli(watch)).code).toBe(0)
  })

  it('queues at start-up the backups never uploaded, and leaves alone the ones that were', async () => {
    const h = await openHome()
    // All three are older than the settle time, so the start-up scan itself reports them.
    const old = await writeBackup(h.backups, 'old.tar.xz', 3000, 1)
    age(old)
    expect((await runCli(['upload', old], h.env)).code).toBe(0)
    const before = h.emulator.requests.length
    for (const [i, name] of ['new-1.tar.xz', 'new-2.tar.xz'].entries()) {
      age(await writeBackup(h.backups, name, 4000 + i, 2 + i))
    }

    const watch = await startWatch(h.backups, h.env)
    await waitForOutput(watch, 'Uploaded new-1.tar.xz')
    await waitForOutput(watch, 'Uploaded new-2.tar.xz')

    expect(watch.output().stdout).toContain(`Found 3 backups in ${h.backups}.`)
    // Each new backup sent once: alone in files/upload, or (two at once) in a session's start.
    expect(fileSends(h.emulator, before)).toBe(2)
    expect(storedFiles(h.emulator).map((f) => f.name)).toEqual([
      'new-1.tar.xz',
      'new-2.tar.xz',
      'old.tar.xz',
    ])
    const { jobs } = await history(h.env)
    expect(jobs.map((job) => [job.name, job.status]).sort()).toEqual([
      ['new-1.tar.xz', 'done'],
      ['new-2.tar.xz', 'done'],
      ['old.tar.xz', 'done'],
    ])
    expect((await stopCli(watch)).code).toBe(0)
  })

  it('still stops with exit 0 after other commands rang its queue', async () => {
    const h = await openHome()
    const watch = await startWatch(h.backups, h.env)
    for (const command of ['status', 'pause', 'resume', 'status']) {
      expect((await runCli([command], h.env)).code).toBe(0)
    }
    const stopped = await stopCli(watch)
    expect(stopped.code, stopped.stderr).toBe(0)
    expect(stderrBeyondWarnings(stopped.stderr)).toBe('')
  })

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'stops on %s with exit 0, saving the upload in progress so the next start continues it',
    async (signal) => {
      const chunkSize = 4 * MIB
      // A sequential session: at most one chunk is lost at the stop (concurrent sessions lose
      // up to parallelChunks; see concurrent-crash.test.ts).
      const h = await openHome({ chunkSize, parallelChunks: 1 })
      const size = 6 * chunkSize + 100
      const path = await writeBackup(h.backups, 'stopped.tar.xz', size, 5)
      age(path)
      h.emulator.injectFault('/2/files/upload_session/append_v2', { kind: 'delay', ms: 300 }, 3)
      const first = await startWatch(h.backups, h.env)
      await waitWhileRunning(
        first,
        () =>
          h.emulator.requests.some(
            (r) => r.path === '/2/files/upload_session/append_v2' && r.status === 200,
          ),
        { what: 'an acknowledged append' },
      )

      const stopped = await stopCli(first, signal)

      expect(stopped.code, stopped.stderr).toBe(0)
      expect(stopped.stdout).toContain('Stopping: unfinished uploads are saved')
      expect((await history(h.env)).jobs).toMatchObject([{ status: 'queued', error: null }])
      expect(h.emulator.count('/2/files/upload_session/finish')).toBe(0)

      const second = await startWatch(h.backups, h.env)
      await waitForOutput(second, 'Uploaded stopped.tar.xz')
      expect((await stopCli(second)).code).toBe(0)
      expect(h.emulator.count('/2/files/upload_session/start')).toBe(1)
      const sent = contentRequests(h.emulator).reduce((sum, r) => sum + r.bodyBytes, 0)
      expect(sent).toBeLessThanOrEqual(size + chunkSize)
      expect(storedAt(h.emulator, `${FOLDER}/stopped.tar.xz`)!.content_hash).toBe(
        await dropboxContentHash(path),
      )
    },
  )
})

describe('watch: several Fermentracks', () => {
  it('watches every source, each into its own remote subfolder and only to its own destinations', async () => {
    const nas = tempDir('nas')
    const h = await openHome({ settleSeconds: 0.5 }, { FTB_LOCAL_DESTINATION: nas })
    const pi1 = tempDir('pi1')
    const pi2 = tempDir('pi2')
    const add = (args: string[]) => runCli(['sources', 'add', ...args], h.env)
    expect((await add(['--folder', pi1, '--label', 'Brewhouse 1'])).code).toBe(0)
    // The test Pi's backups go to the NAS only, never to Dropbox.
    expect(
      (await add(['--folder', pi2, '--label', 'Test Pi', '--destination', 'local'])).code,
    ).toBe(0)

    const watch = startCli(['watch'], h.env)
    watch.child.stdin.end()
    await waitForOutput(watch, `Watching ${pi1} (Brewhouse 1) → ${h.connectionId}, local`)
    await waitForOutput(watch, `Watching ${pi2} (Test Pi) → local`)
    await writeBackup(pi1, 'same-name.tar.xz', 3000, 1)
    await writeBackup(pi2, 'same-name.tar.xz', 4000, 2)
    await waitWhileRunning(
      watch,
      async () => (await history(h.env)).jobs.filter((j) => j.status === 'done').length === 3,
      {
        what: 'three verified uploads',
      },
    )

    expect(storedFiles(h.emulator).map((f) => [f.path_display, f.size])).toEqual([
      [`${FOLDER}/Brewhouse 1/same-name.tar.xz`, 3000],
    ])
    expect(statSync(join(nas, 'Fermentrack Backups', 'Brewhouse 1', 'same-name.tar.xz')).size).toBe(
      3000,
    )
    expect(statSync(join(nas, 'Fermentrack Backups', 'Test Pi', 'same-name.tar.xz')).size).toBe(
      4000,
    )
    expect((await stopCli(watch)).code).toBe(0)
  })

  it('with no source and no --dir, says how to add one (exit 2)', async () => {
    const h = await openHome()
    const result = await runCli(['watch'], h.env)
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('add a Fermentrack with `sources add --folder DIR --label L`')
  })
})
