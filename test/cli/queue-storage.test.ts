import { spawn, spawnSync } from 'node:child_process'
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeSync,
} from 'node:fs'
import { join, resolve } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { backupBytes, writeBackup } from '../support/backup-files.ts'
import {
  runCli,
  startCli,
  tempDir,
  type CliResult,
  type RunningCli,
} from '../support/cli-process.ts'
import { history, startWatch, stopCli } from '../support/upload-fixture.ts'
import { waitForOutput, waitWhileRunning } from '../support/wait-for.ts'
import { ERROR_CODES } from '../../src/shared/error-codes.ts'

// Each test drives several real CLI processes; a busy two-core machine needs more than 60 s.
vi.setConfig({ testTimeout: 180_000 })

const FIX = ERROR_CODES.queue_storage_failed.fix
const dirs: string[] = []
const mounts: string[] = []
let watching: RunningCli | undefined
afterEach(async () => {
  if (watching?.child.exitCode === null) await stopCli(watching, 'SIGKILL')
  watching = undefined
  for (const mount of mounts.splice(0)) spawnSync('umount', [mount])
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function dir(prefix: string): string {
  const path = tempDir(prefix)
  dirs.push(path)
  return path
}

/** Mounts a small tmpfs on `path`; false where this machine allows no mounts (not root, say). */
function mountSmallDisk(path: string): boolean {
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', path]).status === 0
  if (mounted) mounts.push(path)
  return mounted
}

/** Fills the disk that holds `path` to the last byte; returns the filler to delete later. */
function fillDisk(path: string): string {
  const filler = join(path, 'filler')
  const fd = openSync(filler, 'w')
  try {
    for (const size of [64 * 1024, 4096, 512, 1]) {
      const chunk = Buffer.alloc(size, 1)
      try {
        for (;;) writeSync(fd, chunk)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
      }
    }
  } finally {
    closeSync(fd)
  }
  return filler
}

const errorLines = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('Error: '))

describe('a full FTB_HOME while watch runs', () => {
  it('keeps watching, says why and what to do, and uploads everything once space is freed', async (ctx) => {
    const home = join(dir('home'), 'ftb')
    mkdirSync(home)
    if (!mountSmallDisk(home)) return ctx.skip()
    const nas = dir('nas')
    const backups = dir('backups')
    const target = join(nas, 'Fermentrack Backups')
    const env = { FTB_HOME: home, DROPBOX_APP_KEY: '', FTB_LOCAL_DESTINATION: nas }

    // Queued while uploads were paused: this job must survive the full disk.
    expect((await runCli(['pause'], env)).code).toBe(0)
    const early = await writeBackup(backups, 'early.tar.xz', 30_000, 1)
    const settled = Date.now() / 1000 - 60
    utimesSync(early, settled, settled) // queued by the start-up scan, without a settle wait
    const watch = (watching = await startWatch(backups, env))
    expect((await history(env)).jobs).toMatchObject([{ name: 'early.tar.xz', status: 'queued' }])

    // Resumed, the job is due in a few seconds; by then the disk that holds FTB_HOME is full.
    const db = new DatabaseSync(join(home, 'queue.db'), { timeout: 10_000 })
    db.exec('BEGIN IMMEDIATE')
    db.prepare('UPDATE jobs SET not_before = ?').run(Date.now() + 3000)
    db.exec('DELETE FROM pauses')
    db.exec('COMMIT')
    const filler = fillDisk(home)
    expect(db.prepare('SELECT state, attempts FROM jobs').all()).toEqual([
      { state: 'queued', attempts: 0 },
    ])
    db.close()

    // The job cannot be started (its state cannot be written): said once, with the fix.
    await waitWhileRunning(watch, () => errorLines(watch.output().stdout).length >= 1, {
      what: 'the storage error',
    })
    const [said] = errorLines(watch.output().stdout)
    expect(said).toContain('The upload queue could not be saved in FTB_HOME')
    expect(said).toContain('full')
    expect(said).toContain(FIX)

    // A backup that appears now cannot be queued yet: said again, and kept for later.
    const late = await writeBackup(backups, 'late.tar.xz', 40_000, 2)
    await waitWhileRunning(watch, () => errorLines(watch.output().stdout).length >= 2, {
      what: 'the new backup to be refused by the full disk',
      timeoutMs: 60_000,
    })
    expect(watch.output().stderr).not.toMatch(/^\s+at /m)

    rmSync(filler)
    await waitForOutput(watch, 'Uploaded early.tar.xz', 60_000)
    await waitForOutput(watch, 'Uploaded late.tar.xz', 60_000)
    expect(watch.output().stdout).toContain('The upload queue is saved again; carrying on.')
    const ended = await stopCli(watch)
    expect(ended.code, ended.stderr).toBe(0)

    for (const [path, seed, size] of [
      [early, 1, 30_000],
      [late, 2, 40_000],
    ] as const) {
      const name = path.slice(path.lastIndexOf('/') + 1)
      expect(readFileSync(join(target, name)).equals(backupBytes(size, seed))).toBe(true)
    }
    const { jobs } = await history(env)
    expect(jobs.map((j) => [j.name, j.status]).sort()).toEqual([
      ['early.tar.xz', 'done'],
      ['late.tar.xz', 'done'],
    ])
  })
})

describe('a read-only FTB_HOME', () => {
  // Linux refuses to remount a disk read-only while a file on it is open for writing, so this is
  // what a user meets at start (an SD card remounted read-only after errors, say), not mid-run.
  it('fails a command with one line naming the fix, and loses nothing once writable again', async (ctx) => {
    const home = join(dir('home'), 'ftb')
    mkdirSync(home)
    if (!mountSmallDisk(home)) return ctx.skip()
    const env = { FTB_HOME: home, DROPBOX_APP_KEY: '', FTB_LOCAL_DESTINATION: dir('nas') }
    expect((await runCli(['pause'], env)).code).toBe(0)
    const path = await writeBackup(dir('backups'), 'kept.tar.xz', 10_000, 3)
    const queued = startCli(['upload', path], env)
    await queued.stderrIncludes('paused')
    await stopCli(queued, 'SIGINT')
    expect(spawnSync('mount', ['-o', 'remount,ro', home]).status).toBe(0)

    for (const args of [['status'], ['watch', '--dir', dir('backups')]]) {
      const result = await runCli(args, env)
      expect(result.code).toBe(1)
      expect(result.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/^Error: The upload queue could not be saved in FTB_HOME \(.+\)\. /),
      ])
      expect(result.stderr).toContain(FIX)
    }

    expect(spawnSync('mount', ['-o', 'remount,rw', home]).status).toBe(0)
    expect((await history(env)).jobs).toMatchObject([{ name: 'kept.tar.xz', status: 'queued' }])
  })
})

const BIN = resolve(import.meta.dirname, '../../bin/fermentrack-backup.js')

/** The CLI with a module loaded first that rejects a promise nobody awaits, once it runs. */
function cliWithStrayRejection(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const stray = `setTimeout(() => { Promise.reject(Object.assign(new Error('database or disk is full'), { code: 'ERR_SQLITE_ERROR', errstr: 'database or disk is full' })) }, 1500)`
  const child = spawn(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(stray)}`, BIN, ...args],
    { env: { ...process.env, ...env } },
  )
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })))
}

describe('a failure nothing awaited', () => {
  it('is logged and ends the CLI cleanly with one line naming the cause and the fix, no stack', async () => {
    const home = dir('home')
    const env = {
      FTB_HOME: home,
      DROPBOX_APP_KEY: '',
      FTB_LOCAL_DESTINATION: dir('nas'),
    }
    const result = await cliWithStrayRejection(['watch', '--dir', dir('backups')], env)

    expect(result.code).toBe(1)
    expect(result.stderr.trim().split('\n')).toEqual([
      `Error: The upload queue could not be saved in FTB_HOME (database or disk is full). ${FIX}`,
    ])
    const log = readFileSync(join(home, 'logs', 'companion.log'), 'utf8')
    expect(log).toContain('unexpected failure')
  })
})
