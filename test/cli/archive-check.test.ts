import { execFileSync } from 'node:child_process'
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { gzipSync } from 'node:zlib'
import { describe, expect, it, vi } from 'vitest'
import { backupBytes } from '../support/backup-files.ts'
import { runCli, tempDir } from '../support/cli-process.ts'
import {
  contentRequests,
  dropboxHomePerTest,
  history,
  parseJson,
  startWatch,
  status,
  stopCli,
  storedFiles,
  type DropboxHome,
  type HistoryJob,
  type UploadReport,
} from '../support/upload-fixture.ts'
import { waitForOutput, waitWhileRunning } from '../support/wait-for.ts'

// Each test drives several real CLI processes; a busy two-core machine needs more than 60 s.
vi.setConfig({ testTimeout: 120_000 })
const openHome = dropboxHomePerTest()

/** A real archive from the real tool, of a few hundred KiB. */
function archive(format: 'xz' | 'zip' | 'gzip', seed: number): Buffer {
  const content = Buffer.concat([backupBytes(200_000, seed), Buffer.alloc(100_000, seed)])
  if (format === 'gzip') return gzipSync(content)
  if (format === 'xz') return execFileSync('xz', ['-c'], { input: content })
  const dir = tempDir('zip')
  writeFileSync(join(dir, 'fermentrack.db'), content)
  execFileSync('zip', ['-q', 'backup.zip', 'fermentrack.db'], { cwd: dir })
  const bytes = readFileSync(join(dir, 'backup.zip'))
  rmSync(dir, { recursive: true, force: true })
  return bytes
}

/** The stored copies, with their bytes: exactly what Dropbox was left holding. */
function stored(h: DropboxHome) {
  return storedFiles(h.emulator).map((f) => ({ name: f.name, bytes: readFileSync(f.localPath) }))
}

async function jobNamed(h: DropboxHome, name: string): Promise<HistoryJob | undefined> {
  return (await history(h.env)).jobs.find((job) => job.name === name)
}

describe('a half-written archive', () => {
  it('from a writer that stalls longer than the settle window waits, and goes up once, whole', async () => {
    const h = await openHome({ settleSeconds: 2 })
    const watch = await startWatch(h.backups, h.env)
    const whole = archive('xz', 1)
    const path = join(h.backups, 'stalled.tar.xz')

    writeFileSync(path, whole.subarray(0, whole.length >> 1))
    const halfWritten = Date.now()
    // Settled for the watcher, held back by the archive check.
    const waiting = await waitWhileRunning(
      watch,
      async () => {
        const job = await jobNamed(h, 'stalled.tar.xz')
        return job?.error?.code === 'archive_incomplete' && job
      },
      { what: 'the half-written archive to wait for its writer' },
    )
    expect(waiting).toMatchObject({ status: 'queued', size: whole.length >> 1 })
    expect(waiting.error!.message).toContain(`${path} is not a complete xz archive yet`)
    await sleep(Math.max(0, halfWritten + 5000 - Date.now()))
    appendFileSync(path, whole.subarray(whole.length >> 1))

    await waitForOutput(watch, 'Uploaded stalled.tar.xz')
    expect((await stopCli(watch)).code).toBe(0)
    // It waited for the change, not by trying again and again meanwhile: one look at the half,
    // one upload of the whole.
    const { stdout } = watch.output()
    expect(stdout.match(/Uploading stalled\.tar\.xz/g), stdout).toHaveLength(2)
    expect(stored(h)).toEqual([{ name: 'stalled.tar.xz', bytes: whole }])
    // Nothing was ever sent but the whole file, and the waits used up no attempts.
    expect(contentRequests(h.emulator)).toEqual([
      { method: 'POST', path: '/2/files/upload', status: 200, bodyBytes: whole.length },
    ])
    // The whole file is a newer version, so a job of its own; the half's job, which never sent a
    // byte, is replaced by it and used no attempt.
    const [done, half] = (await history(h.env)).jobs
    expect(done).toMatchObject({ status: 'done', size: whole.length, attempts: 1, error: null })
    expect(half).toMatchObject({
      status: 'cancelled',
      size: whole.length >> 1,
      attempts: 0,
      superseded_by: done!.job_id,
    })
  })

  it('left truncated past incompleteArchiveMinutes fails, naming the file; completed later, it goes up', async () => {
    const h = await openHome({
      settleSeconds: 0.5,
      incompleteArchiveMinutes: 0.05,
      patterns: ['*.tar.xz', '*.zip', '*.tgz'],
    })
    const watch = await startWatch(h.backups, h.env)
    const wholes = new Map([
      ['cut.tar.xz', archive('xz', 2)],
      ['cut.zip', archive('zip', 3)],
      ['cut.tgz', archive('gzip', 4)],
    ])
    for (const [name, whole] of wholes) {
      writeFileSync(join(h.backups, name), whole.subarray(0, whole.length - 7))
    }

    for (const name of wholes.keys()) await waitForOutput(watch, `Failed ${name} → `)
    const { jobs } = await history(h.env)
    for (const [name, format] of [
      ['cut.tar.xz', 'xz'],
      ['cut.zip', 'zip'],
      ['cut.tgz', 'gzip'],
    ] as const) {
      const job = jobs.find((j) => j.name === name)!
      expect(job).toMatchObject({ status: 'failed', error: { code: 'archive_truncated' } })
      expect(job.error!.message).toContain(
        `${join(h.backups, name)} is not a complete ${format} archive, and has not changed for`,
      )
      expect(job.error!.message).toContain('it looks truncated')
    }
    expect((await status(h.env)).counts).toMatchObject({ failed: 3, done: 0, queued: 0 })
    expect(contentRequests(h.emulator)).toEqual([])

    for (const [name, whole] of wholes) writeFileSync(join(h.backups, name), whole)
    for (const name of wholes.keys()) await waitForOutput(watch, `Uploaded ${name} → `)
    expect((await stopCli(watch)).code).toBe(0)
    expect(stored(h)).toEqual(
      [...wholes]
        .map(([name, bytes]) => ({ name, bytes }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    )
    expect(contentRequests(h.emulator)).toHaveLength(3)
  })

  it('uploaded by hand fails at once with the reason, and sends nothing', async () => {
    const h = await openHome()
    const whole = archive('xz', 5)
    const path = join(h.backups, 'by-hand.tar.xz')
    writeFileSync(path, whole.subarray(0, whole.length - 1))

    const result = await runCli(['upload', path, '--json'], h.env)

    expect(result.code).toBe(1)
    const [report] = parseJson<UploadReport[]>(result)
    expect(report).toMatchObject({ file: path, status: 'failed' })
    expect(report!.error).toMatchObject({ code: 'archive_truncated' })
    expect(report!.error!.message).toContain(
      `${path} is not a complete xz archive: it looks truncated.`,
    )
    expect(contentRequests(h.emulator)).toEqual([])
    expect(storedFiles(h.emulator)).toEqual([])

    writeFileSync(path, whole)
    expect((await runCli(['upload', path], h.env)).code).toBe(0)
    expect(stored(h)).toEqual([{ name: 'by-hand.tar.xz', bytes: whole }])
  })
})
