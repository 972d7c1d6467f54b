import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { backupBytes, chunksOf, MIB, writeBackup, writeSlowly } from '../support/backup-files.ts'
import { sha256File } from '../../src/main/uploads/file-sha256.ts'
import { CHECKPOINT_BYTES } from '../../src/main/providers/local/temp-copy.ts'
import { ERROR_CODES } from '../../src/shared/error-codes.ts'
import { runCli, startCli, tempDir, type RunningCli } from '../support/cli-process.ts'
import {
  history,
  parseJson,
  startWatch,
  stopCli,
  writeSettings,
  type UploadReport,
} from '../support/upload-fixture.ts'
import { waitForOutput, waitWhileRunning } from '../support/wait-for.ts'

// Each test drives several real CLI processes; a busy two-core machine needs more than 60 s.
vi.setConfig({ testTimeout: 120_000 })

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function dir(prefix: string): string {
  const path = tempDir(prefix)
  dirs.push(path)
  return path
}

function age(path: string): void {
  const then = Date.now() / 1000 - 60
  utimesSync(path, then, then)
}

/**
 * An FTB_HOME that does not exist yet, with nothing configured but a local destination folder:
 * FTB_LOCAL_DESTINATION, or the localDestination setting (plus any other `settings`).
 */
function localHome(how: 'env' | 'setting', settings: Record<string, unknown> = {}) {
  const nas = dir('nas')
  const home = join(dir('home'), 'fresh')
  const env: NodeJS.ProcessEnv = { FTB_HOME: home, DROPBOX_APP_KEY: '' }
  if (how === 'env') env.FTB_LOCAL_DESTINATION = nas
  const values = { ...settings, ...(how === 'setting' ? { localDestination: nas } : {}) }
  if (Object.keys(values).length > 0) {
    mkdirSync(home)
    writeSettings(home, values)
  }
  return { env, nas, backups: dir('backups'), target: join(nas, 'Fermentrack Backups') }
}

/** What is in the destination folder: the copies, and nothing half-written beside them. */
function listing(target: string): string[] {
  return readdirSync(target).sort()
}

/** Waits until `cli` is part-way through a copy into `target`: a temp file past `atLeast` bytes. */
async function halfWritten(cli: RunningCli, target: string, atLeast: number, size: number) {
  return waitWhileRunning(
    cli,
    () => {
      const names = existsSync(target) ? readdirSync(target) : []
      const temp = names.find((name) => name.endsWith('.part'))
      const bytes = temp ? statSync(join(target, temp)).size : 0
      return bytes > atLeast && bytes < size && temp
    },
    { what: 'a half-written copy', intervalMs: 5, timeoutMs: 30_000 },
  ).catch(async (error: unknown) => {
    cli.child.kill('SIGKILL')
    throw error
  })
}

describe('a local destination', () => {
  it.each(['env', 'setting'] as const)(
    'alone on a fresh home (%s): watch copies small, empty, unicode and 255-byte names, identical',
    async (how) => {
      const { env, backups, target } = localHome(how)
      const files = [
        { name: '2026-11-22T10.00.00.tar.xz', size: 80_000 },
        // The smallest complete .xz: one of 0 bytes is no archive, and waits for its writer.
        { name: 'empty.tar.xz', size: 32 },
        { name: 'Gärkeller Müller – 🍺 Weißbier.tar.xz', size: 12_345 },
        { name: `${'c'.repeat(248)}.tar.xz`, size: 4096 },
      ]
      expect(Buffer.byteLength(files[3]!.name)).toBe(255)
      const paths = await Promise.all(
        files.map(({ name, size }, i) => writeBackup(backups, name, size, i + 1)),
      )
      paths.forEach(age)

      const watch = await startWatch(backups, env)
      expect(watch.output().stdout).toContain(`Watching ${backups} → local`)
      for (const { name } of files) await waitForOutput(watch, `Uploaded ${name} → local`)
      expect((await stopCli(watch)).code).toBe(0)

      expect(listing(target)).toEqual(files.map((f) => f.name).sort())
      const { jobs } = await history(env)
      for (const [i, { name }] of files.entries()) {
        expect(readFileSync(join(target, name)).equals(readFileSync(paths[i]!)), name).toBe(true)
        expect(jobs.find((j) => j.name === name)).toMatchObject({
          connection_id: 'local',
          status: 'done',
          remote_path: join(target, name),
          content_hash: await sha256File(paths[i]!),
          checksum_algorithm: 'sha256',
        })
      }
    },
  )

  it("uploads into the provider's own Default Target when one is set", async () => {
    const { env, nas, backups } = localHome('setting')
    const configured = await runCli(
      ['providers', 'configure', 'local', '--default-target', '/Brewhouse 1'],
      env,
    )
    expect(configured.code, configured.stderr).toBe(0)
    const path = await writeBackup(backups, 'targeted.tar.xz', 20_000, 3)
    const result = await runCli(['upload', path, '--json'], env)
    expect(result.code, result.stderr).toBe(0)
    expect(listing(join(nas, 'Brewhouse 1'))).toEqual(['targeted.tar.xz'])
    expect(
      readFileSync(join(nas, 'Brewhouse 1', 'targeted.tar.xz')).equals(readFileSync(path)),
    ).toBe(true)
    expect(existsSync(join(nas, 'Fermentrack Backups'))).toBe(false)
  })

  it('a folder changed while watch runs takes the next backups, the old one keeps its own', async () => {
    const { env, backups, target, nas } = localHome('setting')
    const watch = await startWatch(backups, env)
    const first = await writeBackup(backups, 'first.tar.xz', 20_000, 1)
    await waitForOutput(watch, 'Uploaded first.tar.xz → local')
    const other = dir('nas-2')
    writeSettings(env.FTB_HOME!, { localDestination: other })
    const second = await writeBackup(backups, 'second.tar.xz', 20_000, 2)
    await waitForOutput(watch, 'Uploaded second.tar.xz → local')
    expect((await stopCli(watch)).code).toBe(0)
    expect(listing(target)).toEqual(['first.tar.xz'])
    expect(readFileSync(join(target, 'first.tar.xz')).equals(readFileSync(first))).toBe(true)
    const moved = join(other, 'Fermentrack Backups')
    expect(listing(moved)).toEqual(['second.tar.xz'])
    expect(readFileSync(join(moved, 'second.tar.xz')).equals(readFileSync(second))).toBe(true)
    expect(nas).not.toBe(other)
  })

  it('copies a backup written slowly once, complete, after it settled', async () => {
    const { env, backups, target } = localHome('env', { settleSeconds: 1 })
    const watch = await startWatch(backups, env)
    const path = join(backups, 'slow.tar.xz')
    await writeSlowly(path, chunksOf(8, 64 * 1024, 9), 300)
    await waitForOutput(watch, 'Uploaded slow.tar.xz')
    expect((await stopCli(watch)).code).toBe(0)
    expect(listing(target)).toEqual(['slow.tar.xz'])
    expect(readFileSync(join(target, 'slow.tar.xz')).equals(readFileSync(path))).toBe(true)
    expect((await history(env)).jobs).toMatchObject([{ status: 'done', attempts: 1 }])
  })

  it('after kill -9 in the middle of a copy, a restart continues it: one identical copy, no temp file', async () => {
    const { env, backups, target } = localHome('env')
    const size = 256 * MIB + 17
    const path = await writeBackup(backups, 'huge.tar.xz', size, 10)
    age(path)
    const first = startCli(['watch', '--dir', backups], env)
    first.child.stdin.end()
    // Past the first resume point (the copy is synced and its offset saved there).
    const partial = await halfWritten(first, target, CHECKPOINT_BYTES + 4 * MIB, size)

    first.child.kill('SIGKILL')
    await first.done
    expect(listing(target)).toEqual([partial])
    const { ino, birthtimeMs } = statSync(join(target, partial))

    const second = await startWatch(backups, env)
    await waitForOutput(second, 'Uploaded huge.tar.xz')
    expect((await stopCli(second)).code).toBe(0)
    expect(listing(target)).toEqual(['huge.tar.xz'])
    const placed = statSync(join(target, 'huge.tar.xz'))
    expect(placed.size).toBe(size)
    // The same file, continued: a copy from byte 0 would be a new temp file.
    expect([placed.ino, placed.birthtimeMs]).toEqual([ino, birthtimeMs])
    expect(await sha256File(join(target, 'huge.tar.xz'))).toBe(await sha256File(path))
    // The killed attempt was given back at recovery: only the one that finished counts.
    expect((await history(env)).jobs).toMatchObject([{ status: 'done', attempts: 1 }])
  })

  it('finds an identical copy already there and writes nothing', async () => {
    const { env, backups, target } = localHome('env')
    const path = await writeBackup(backups, 'same.tar.xz', 30_000, 4)
    mkdirSync(target)
    writeFileSync(join(target, 'same.tar.xz'), backupBytes(30_000, 4))
    const before = statSync(join(target, 'same.tar.xz'))

    const result = await runCli(['upload', path, '--json'], env)

    expect(result.code, result.stderr).toBe(0)
    expect(parseJson<UploadReport[]>(result)).toMatchObject([
      { status: 'done', remote_path: join(target, 'same.tar.xz') },
    ])
    expect(listing(target)).toEqual(['same.tar.xz'])
    const after = statSync(join(target, 'same.tar.xz'))
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs])
  })

  it('keeps both when a different file holds the name: the new one becomes "name (2).tar.xz"', async () => {
    const { env, backups, target } = localHome('env')
    const path = await writeBackup(backups, 'taken.tar.xz', 30_000, 5)
    mkdirSync(target)
    const theirs = backupBytes(30_000, 6)
    writeFileSync(join(target, 'taken.tar.xz'), theirs)

    const result = await runCli(['upload', path, '--json'], env)

    expect(result.code, result.stderr).toBe(0)
    expect(parseJson<UploadReport[]>(result)).toMatchObject([
      { status: 'done', remote_path: join(target, 'taken (2).tar.xz') },
    ])
    expect(listing(target)).toEqual(['taken (2).tar.xz', 'taken.tar.xz'])
    expect(readFileSync(join(target, 'taken.tar.xz')).equals(theirs)).toBe(true)
    expect(readFileSync(join(target, 'taken (2).tar.xz')).equals(readFileSync(path))).toBe(true)
  })
})

/** Mounts a 1 MiB tmpfs on `dir`; false where this machine allows no mounts (not root, say). */
function mountSmallDisk(dir: string): boolean {
  return spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]).status === 0
}

describe('a full local destination', () => {
  it('fails the copy with insufficient_space and its fix, leaves nothing behind, and copies what fits', async (ctx) => {
    const { env, nas, backups, target } = localHome('env')
    if (!mountSmallDisk(nas)) return ctx.skip()
    try {
      const big = await writeBackup(backups, 'big.tar.xz', 3 * MIB, 7)
      const result = await runCli(['upload', big, '--json'], env)

      expect(result.code).toBe(1)
      const [report] = parseJson<UploadReport[]>(result)
      expect(report).toMatchObject({ status: 'failed', error: { code: 'insufficient_space' } })
      expect(report!.error!.message).toContain(`No space left on the destination`)
      expect(report!.error!.message).toContain(ERROR_CODES.insufficient_space.fix)
      expect(listing(target)).toEqual([])
      expect((await history(env, '--status', 'failed')).jobs).toMatchObject([{ attempts: 1 }])

      const small = await writeBackup(backups, 'small.tar.xz', 200_000, 8)
      expect((await runCli(['upload', small], env)).code).toBe(0)
      expect(listing(target)).toEqual(['small.tar.xz'])
    } finally {
      spawnSync('umount', [nas])
    }
  })
})

describe('a backup that changes under the copy', () => {
  it('deleted in the middle: the job fails with file_missing and nothing is placed', async () => {
    const { env, backups, target } = localHome('env')
    const size = 256 * MIB
    const path = await writeBackup(backups, 'deleted.tar.xz', size, 11)
    const cli = startCli(['upload', path, '--json'], env)
    cli.child.stdin.end()
    await halfWritten(cli, target, MIB, size)

    unlinkSync(path)
    const result = await cli.done

    expect(result.code).toBe(1)
    expect(parseJson<UploadReport[]>(result)).toMatchObject([
      { status: 'failed', error: { code: 'file_missing' } },
    ])
    expect(listing(target)).toEqual([])
  })

  it('rewritten in the middle: that attempt stops, and the settled final content is copied', async () => {
    const { env, backups, target } = localHome('env', { settleSeconds: 1 })
    const size = 256 * MIB
    const path = await writeBackup(backups, 'changed.tar.xz', size, 12)
    age(path)
    const watch = await startWatch(backups, env)
    await halfWritten(watch, target, MIB, size)

    // xz Stream Padding: the file changes, and stays a complete archive.
    appendFileSync(path, Buffer.alloc(4))
    await waitForOutput(watch, 'Uploaded changed.tar.xz', 60_000)
    expect((await stopCli(watch)).code).toBe(0)

    // Retried, or (when the final version settled first) replaced by the final version's job.
    expect(watch.output().stdout).toMatch(
      /Will retry changed\.tar\.xz .*changed while|Replaced changed\.tar\.xz .*newer version/,
    )
    expect(listing(target)).toEqual(['changed.tar.xz'])
    expect(readFileSync(join(target, 'changed.tar.xz')).equals(readFileSync(path))).toBe(true)
    // The first version's job was replaced by one for the final version, with its own attempts.
    const [final, first] = (await history(env)).jobs
    expect(final).toMatchObject({ status: 'done', superseded_by: null })
    expect(first).toMatchObject({
      status: 'cancelled',
      superseded_by: final!.job_id,
      error: { code: 'file_changed' },
    })
  })
})
