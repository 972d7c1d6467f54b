import { readdirSync, rmSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { dropboxContentHash, MIB, writeBackup } from '../support/backup-files.ts'
import { runCli, tempDir } from '../support/cli-process.ts'
import {
  commitCount,
  contentRequests,
  dropboxHomePerTest,
  history,
  openSessionStarts,
  parseJson,
  startWatch,
  status,
  stopCli,
  storedAt,
  storedFiles,
  type UploadReport,
} from '../support/upload-fixture.ts'
import { waitForOutput, waitWhileRunning } from '../support/wait-for.ts'
import { fileSends } from '../support/dropbox-fixture.ts'

// Each test drives several real CLI processes; a busy two-core machine needs more than 60 s.
vi.setConfig({ testTimeout: 120_000 })

const FOLDER = '/Fermentrack Backups'
const openHome = dropboxHomePerTest()
const APPEND = '/2/files/upload_session/append_v2'
const CHUNK = 4 * MIB

const dirs: string[] = []
afterEach(async () => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function age(path: string): void {
  const then = Date.now() / 1000 - 60
  utimesSync(path, then, then)
}

async function cli(env: NodeJS.ProcessEnv, ...args: string[]) {
  const result = await runCli(args, env)
  expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0)
  return result.stdout
}

describe('status, pause and resume', () => {
  it('status shows the transfer; pause stops it and starts nothing until resume continues it', async () => {
    // One chunk at a time (a sequential session), so "the second append" is one request.
    const h = await openHome({ chunkSize: CHUNK, concurrency: 1, parallelChunks: 1 })
    const size = 8 * CHUNK + 3
    const big = await writeBackup(h.backups, 'big.tar.xz', size, 1)
    age(big)
    // The second append hangs, so the upload is surely still in progress when it is paused.
    h.emulator.injectFault(APPEND, { kind: 'delay', ms: 1 })
    h.emulator.injectFault(APPEND, { kind: 'delay', ms: 20_000 })
    const watch = await startWatch(h.backups, h.env)
    await waitWhileRunning(
      watch,
      () =>
        h.emulator.requests
          .filter((r) => r.path === APPEND)
          .map((r) => r.status)
          .join() === '200,0',
      { what: 'one acknowledged append and one in flight' },
    )

    const running = await status(h.env)
    expect(running).toMatchObject({
      queue_running: true,
      paused: [],
      counts: { queued: 0, uploading: 1, done: 0, failed: 0 },
      connections: [{ id: h.connectionId, status: 'connected' }],
      transfers: [{ name: 'big.tar.xz', connection_id: h.connectionId, size }],
    })
    expect(running.transfers[0]!.bytes_done).toBeGreaterThan(0)
    expect(running.transfers[0]!.bytes_done).toBeLessThan(size)

    expect(await cli(h.env, 'pause')).toBe('Paused all uploads.\n')
    const paused = await waitWhileRunning(
      watch,
      async () => {
        const now = await status(h.env)
        return now.counts.uploading === 0 && now
      },
      { what: 'the upload in progress to stop', intervalMs: 100, timeoutMs: 10_000 },
    )
    expect(paused).toMatchObject({ paused: ['*'], counts: { queued: 1 }, transfers: [] })
    const requestsWhilePaused = h.emulator.requests.length
    age(await writeBackup(h.backups, 'later.tar.xz', 1000, 2))
    await waitWhileRunning(watch, async () => (await status(h.env)).counts.queued === 2, {
      what: 'the new backup to be queued',
      intervalMs: 100,
    })
    // Nothing may start while paused: give the owner time it would need to start something.
    await sleep(1500)
    expect(h.emulator.requests.slice(requestsWhilePaused)).toEqual([])

    expect(await cli(h.env, 'resume')).toBe('Resumed all uploads.\n')
    await waitForOutput(watch, 'Uploaded big.tar.xz')
    await waitForOutput(watch, 'Uploaded later.tar.xz')
    expect((await stopCli(watch)).code).toBe(0)
    // big.tar.xz continued its session; later.tar.xz, small, may take one that it closes at once.
    expect(openSessionStarts(h.emulator)).toBe(1)
    expect(storedAt(h.emulator, `${FOLDER}/big.tar.xz`)!.content_hash).toBe(
      await dropboxContentHash(big),
    )
  })

  it('pause --connection holds only that connection while the local destination goes on', async () => {
    const local = tempDir('nas')
    dirs.push(local)
    const h = await openHome({}, { FTB_LOCAL_DESTINATION: local })
    const watch = await startWatch(h.backups, h.env)
    expect(await cli(h.env, 'pause', '--connection', h.connectionId)).toBe(
      `Paused ${h.connectionId}.\n`,
    )
    expect((await status(h.env)).paused).toEqual([h.connectionId])

    const path = await writeBackup(h.backups, 'held.tar.xz', 2000, 3)
    age(path)
    await waitForOutput(watch, 'Uploaded held.tar.xz → local')
    const held = await status(h.env)
    expect(held.counts).toMatchObject({ queued: 1, done: 1, uploading: 0 })
    await sleep(1000)
    expect(contentRequests(h.emulator)).toEqual([])
    expect(readdirSync(join(local, 'Fermentrack Backups'))).toEqual(['held.tar.xz'])

    expect(await cli(h.env, 'resume', '--connection', h.connectionId)).toBe(
      `Resumed ${h.connectionId}.\n`,
    )
    await waitForOutput(watch, `Uploaded held.tar.xz → ${h.connectionId}`)
    expect((await stopCli(watch)).code).toBe(0)
    expect((await status(h.env)).paused).toEqual([])
    expect(storedFiles(h.emulator).map((f) => f.name)).toEqual(['held.tar.xz'])
  })

  it('pause --connection refuses an unknown connection', async () => {
    const h = await openHome()
    const result = await runCli(['pause', '--connection', 'dropbox-nope'], h.env)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('No connection has the id "dropbox-nope"')
    expect((await status(h.env)).paused).toEqual([])
  })
})

describe('history', () => {
  it('filters by status and text, pages with --limit/--offset, newest first, as JSON or lines', async () => {
    const h = await openHome({ concurrency: 1 })
    const names = ['Brewery-1.tar.xz', 'brewery-2.tar.xz', 'cellar-3.tar.xz', 'cellar-4.tar.xz']
    const paths = await Promise.all(
      names.map((name, i) => writeBackup(h.backups, name, 900 + i, i)),
    )
    h.emulator.injectFault('/2/files/upload', { kind: 'insufficient_space' })
    expect((await runCli(['upload', ...paths], h.env)).code).toBe(1)

    const all = await history(h.env)
    expect(all.total).toBe(4)
    expect(all.jobs.map((j) => j.name)).toEqual([...names].reverse())
    expect(all.jobs.map((j) => j.status)).toEqual(['done', 'done', 'done', 'failed'])

    const failed = await history(h.env, '--status', 'failed')
    expect(failed).toMatchObject({
      total: 1,
      jobs: [{ name: 'Brewery-1.tar.xz', error: { code: 'insufficient_space' } }],
    })
    expect((await history(h.env, '--status', 'done')).total).toBe(3)

    const page1 = parseJson<{ total: number; jobs: Array<{ job_id: number }> }>(
      await runCli(['history', '--json', '--limit', '2'], h.env),
    )
    const page2 = parseJson<{ total: number; jobs: Array<{ job_id: number }> }>(
      await runCli(['history', '--json', '--limit', '2', '--offset', '2'], h.env),
    )
    expect(page1.total).toBe(4)
    expect(page2.total).toBe(4)
    expect([...page1.jobs, ...page2.jobs].map((j) => j.job_id)).toEqual(
      all.jobs.map((j) => j.job_id),
    )
    expect((await history(h.env, '--offset', '4')).jobs).toEqual([])

    const brew = await history(h.env, '--text', 'BREW')
    expect(brew.jobs.map((j) => j.name)).toEqual(['brewery-2.tar.xz', 'Brewery-1.tar.xz'])
    expect((await history(h.env, '--text', '%')).total).toBe(0)
    expect((await history(h.env, '--connection', h.connectionId)).total).toBe(4)
    expect((await history(h.env, '--connection', 'local')).total).toBe(0)

    const lines = (await cli(h.env, 'history', '--limit', '2')).trimEnd().split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(
      /^#4 +done .*cellar-4\.tar\.xz .*\/Fermentrack Backups\/cellar-4\.tar\.xz$/,
    )
    expect(lines[1]).toMatch(/^#3 +done .*cellar-3\.tar\.xz/)
    expect(lines[2]).toBe('… 2 more; use --offset 2.')
    expect(await cli(h.env, 'history', '--status', 'cancelled')).toBe('No uploads match.\n')
    const failedLine = await cli(h.env, 'history', '--status', 'failed')
    expect(failedLine).toMatch(/^#1 +failed .*Brewery-1\.tar\.xz .*The storage is full/)

    const bad = await runCli(['history', '--status', 'lost'], h.env)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--status must be one of')
  })
})

describe('retry', () => {
  it('queues a failed job again by id or all at once, and the queue uploads them once fixed', async () => {
    const h = await openHome({ concurrency: 1 })
    const first = await writeBackup(h.backups, 'first.tar.xz', 3000, 1)
    const second = await writeBackup(h.backups, 'second.tar.xz', 4000, 2)
    h.emulator.injectFault('/2/files/upload', { kind: 'insufficient_space' }, 2)
    expect((await runCli(['upload', first, second], h.env)).code).toBe(1)
    const failed = await history(h.env, '--status', 'failed')
    expect(failed.total).toBe(2)
    const [secondJob, firstJob] = failed.jobs
    expect(firstJob!.name).toBe('first.tar.xz')

    // The quota is fixed (the faults are used up); retry one by its id, with no queue running.
    expect(await cli(h.env, 'retry', String(firstJob!.job_id))).toBe('Queued again: 1 job.\n')
    const queued = await status(h.env)
    expect(queued).toMatchObject({ queue_running: false, counts: { queued: 1, failed: 1 } })

    const elsewhere = tempDir('empty')
    dirs.push(elsewhere)
    const watch = await startWatch(elsewhere, h.env)
    await waitForOutput(watch, 'Uploaded first.tar.xz')
    expect((await history(h.env, '--status', 'failed')).jobs).toMatchObject([
      { job_id: secondJob!.job_id },
    ])

    expect(await cli(h.env, 'retry', '--all-failed')).toBe('Queued again: 1 job.\n')
    await waitForOutput(watch, 'Uploaded second.tar.xz')
    expect(await cli(h.env, 'retry', '--all-failed')).toBe('Queued again: 0 jobs.\n')
    expect((await stopCli(watch)).code).toBe(0)

    const { jobs } = await history(h.env)
    expect(jobs.map((j) => [j.name, j.status, j.attempts, j.error]).sort()).toEqual([
      ['first.tar.xz', 'done', 1, null],
      ['second.tar.xz', 'done', 1, null],
    ])
    for (const path of [first, second]) {
      const name = path.slice(path.lastIndexOf('/') + 1)
      expect(storedAt(h.emulator, `${FOLDER}/${name}`)!.content_hash).toBe(
        await dropboxContentHash(path),
      )
    }
    expect(fileSends(h.emulator)).toBe(4)
  })

  it('refuses an unknown job id and a command with neither id nor --all-failed', async () => {
    const h = await openHome()
    const unknown = await runCli(['retry', '999'], h.env)
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('No upload job has the id 999.')
    expect((await runCli(['retry'], h.env)).code).toBe(2)
  })
})

describe('a running watch and a one-off upload', () => {
  it('cooperate: upload hands its files to the watch, waits, and each is uploaded once', async () => {
    const h = await openHome({ settleSeconds: 1 })
    const watch = await startWatch(h.backups, h.env)
    const outside = tempDir('elsewhere')
    dirs.push(outside)
    const inWatched = await writeBackup(h.backups, 'watched.tar.xz', 6000, 1)
    const elsewhere = await writeBackup(outside, 'manual.tar.xz', 7000, 2)

    const result = await runCli(['upload', inWatched, elsewhere, '--json'], h.env)

    expect(result.code, result.stderr).toBe(0)
    expect(parseJson<UploadReport[]>(result)).toMatchObject([
      { file: inWatched, status: 'done', remote_path: `${FOLDER}/watched.tar.xz` },
      { file: elsewhere, status: 'done', remote_path: `${FOLDER}/manual.tar.xz` },
    ])
    // The watch did the uploading: it owns the queue.
    await waitForOutput(watch, 'Uploaded manual.tar.xz')
    // Give the watch time to settle on watched.tar.xz itself, which must then change nothing.
    await sleep(1500)
    expect((await stopCli(watch)).code).toBe(0)
    expect(fileSends(h.emulator)).toBe(2)
    // Each committed once: alone, or (when both were under way) in one finish_batch_v2.
    expect(commitCount(h.emulator)).toBe(2)
    expect(storedFiles(h.emulator).map((f) => f.name)).toEqual(['manual.tar.xz', 'watched.tar.xz'])
    const { jobs } = await history(h.env)
    expect(jobs.map((j) => [j.name, j.status]).sort()).toEqual([
      ['manual.tar.xz', 'done'],
      ['watched.tar.xz', 'done'],
    ])
  })
})
