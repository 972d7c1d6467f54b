import { utimesSync, writeFileSync } from 'node:fs'
import { unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { describe, expect, it, vi } from 'vitest'
import { AppError } from '../../src/shared/app-error.ts'
import type { Fault } from '../emulators/dropbox/index.ts'
import {
  backupBytes,
  dropboxContentHash,
  dropboxContentHashOf,
  MIB,
  writeBackup,
} from '../support/backup-files.ts'
import { runCli, startCli } from '../support/cli-process.ts'
import {
  connectDropbox,
  dropboxHomePerTest,
  history,
  openSessionStarts,
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
const UPLOAD = '/2/files/upload'
const START = '/2/files/upload_session/start'
const APPEND = '/2/files/upload_session/append_v2'
const FINISH = '/2/files/upload_session/finish'
const CHUNK = 4 * MIB

function age(path: string): void {
  const then = Date.now() / 1000 - 60
  utimesSync(path, then, then)
}

/** The sizes of the file versions queue.db has jobs for, read as any other process would. */
function jobSizes(h: DropboxHome): number[] {
  const db = new DatabaseSync(join(h.home, 'queue.db'), { readOnly: true })
  try {
    return (db.prepare('SELECT size FROM jobs').all() as Array<{ size: number }>).map((r) => r.size)
  } finally {
    db.close()
  }
}

const acknowledged = (h: DropboxHome, route: string) =>
  h.emulator.requests.filter((r) => r.path === route && r.status === 200).length

/** Uploads one single-request file and one session file; both must arrive once, verified. */
async function uploadBothKinds(h: DropboxHome) {
  const small = await writeBackup(h.backups, 'small.tar.xz', 50_000, 1)
  const large = await writeBackup(h.backups, 'large.tar.xz', 2 * CHUNK + 777, 2)
  const result = await runCli(['upload', small, large, '--json'], h.env)
  expect(result.code, result.stderr).toBe(0)
  expect(parseJson<UploadReport[]>(result).map((r) => r.status)).toEqual(['done', 'done'])
  expect(storedFiles(h.emulator).map((f) => f.name)).toEqual(['large.tar.xz', 'small.tar.xz'])
  for (const path of [small, large]) {
    const name = path.slice(path.lastIndexOf('/') + 1)
    expect(storedAt(h.emulator, `${FOLDER}/${name}`)!.content_hash).toBe(
      await dropboxContentHash(path),
    )
  }
}

describe('a full Dropbox', () => {
  it.each([
    { kind: 'single request', size: 5000, route: UPLOAD },
    { kind: 'upload session', size: 2 * CHUNK + 1, route: FINISH },
  ])(
    'fails the job with insufficient_space and its fix ($kind), exit 1, and history says so',
    async ({ size, route }) => {
      const h = await openHome({ chunkSize: CHUNK })
      const path = await writeBackup(h.backups, 'full.tar.xz', size)
      h.emulator.injectFault(route, { kind: 'insufficient_space' })

      const result = await runCli(['upload', path, '--json'], h.env)

      expect(result.code).toBe(1)
      // The error table's own message: the cause and its fix, as README and app show them.
      const { message } = new AppError('insufficient_space')
      expect(parseJson<UploadReport[]>(result)).toMatchObject([
        { status: 'failed', remote_path: null, error: { code: 'insufficient_space', message } },
      ])
      const failed = await history(h.env, '--status', 'failed')
      expect(failed.jobs).toMatchObject([
        { file: path, status: 'failed', error: { code: 'insufficient_space', message } },
      ])
      expect(storedFiles(h.emulator)).toEqual([])
      expect(h.emulator.count(route)).toBe(1)
    },
  )
})

describe('an expired or revoked Dropbox token', () => {
  it('makes the connection need reauth while its jobs wait queued; reconnecting resumes them', async () => {
    const h = await openHome({ chunkSize: CHUNK, concurrency: 1 })
    const first = await writeBackup(h.backups, 'first.tar.xz', 5 * CHUNK + 5, 1)
    const second = await writeBackup(h.backups, 'second.tar.xz', 10_000, 2)
    age(first)
    age(second)
    h.emulator.injectFault(APPEND, { kind: 'delay', ms: 300 }, 2)
    const watch = await startWatch(h.backups, h.env)
    await waitWhileRunning(watch, () => acknowledged(h, APPEND) >= 1, {
      what: 'an acknowledged append',
    })

    h.emulator.expireAccessTokens()
    h.emulator.revokeAll()
    await waitWhileRunning(
      watch,
      async () => (await status(h.env)).connections[0]?.status === 'needs_reauth',
      {
        what: 'the connection to need reauth',
        intervalMs: 200,
      },
    )
    const waiting = await waitWhileRunning(
      watch,
      async () => {
        const { jobs } = await history(h.env)
        return jobs.every((j) => j.status === 'queued') && jobs.length === 2 && jobs
      },
      { what: 'both jobs back in the queue', intervalMs: 200 },
    )
    expect(waiting.find((j) => j.name === 'first.tar.xz')).toMatchObject({
      error: { code: 'needs_reauth' },
    })
    expect(waiting.every((j) => j.attempts === 0)).toBe(true)
    expect(storedFiles(h.emulator)).toEqual([])

    expect(await connectDropbox(h.env)).toBe(h.connectionId)
    await waitForOutput(watch, 'Uploaded first.tar.xz')
    await waitForOutput(watch, 'Uploaded second.tar.xz')
    expect((await stopCli(watch)).code).toBe(0)

    // The upload session outlives the token: the first file continued it, not started over.
    // (The second, started while the first waited for its commit, may take a session of its own
    // to join that commit: a start with close: true carrying all its bytes.)
    expect(openSessionStarts(h.emulator)).toBe(1)
    for (const path of [first, second]) {
      const name = path.slice(path.lastIndexOf('/') + 1)
      expect(storedAt(h.emulator, `${FOLDER}/${name}`)!.content_hash).toBe(
        await dropboxContentHash(path),
      )
    }
    expect((await history(h.env)).jobs.map((j) => j.status)).toEqual(['done', 'done'])
    expect((await status(h.env)).connections[0]?.status).toBe('connected')
  })

  it('expired in the middle of a session is renewed once, and the session continues', async () => {
    const h = await openHome({ chunkSize: CHUNK })
    const path = await writeBackup(h.backups, 'expiring.tar.xz', 5 * CHUNK + 9, 6)
    h.emulator.injectFault(APPEND, { kind: 'delay', ms: 300 }, 2)
    const cli = startCli(['upload', path, '--json'], h.env)
    cli.child.stdin.end()
    await waitWhileRunning(cli, () => acknowledged(h, APPEND) >= 1, {
      what: 'an acknowledged append',
    })
    const refreshes = h.emulator.count('/oauth2/token')

    h.emulator.expireAccessTokens()
    const result = await cli.done

    expect(result.code, result.stderr).toBe(0)
    expect(parseJson<UploadReport[]>(result)).toMatchObject([{ status: 'done' }])
    expect(h.emulator.count('/oauth2/token')).toBe(refreshes + 1)
    expect(h.emulator.requests.some((r) => r.status === 401)).toBe(true)
    expect(h.emulator.count(START)).toBe(1)
    expect(storedAt(h.emulator, `${FOLDER}/expiring.tar.xz`)!.content_hash).toBe(
      await dropboxContentHash(path),
    )
  })

  it('revoked before a one-off upload: it exits 1 naming the fix, the job stays queued and completes after reconnecting', async () => {
    const h = await openHome()
    const path = await writeBackup(h.backups, 'waiting.tar.xz', 8000, 3)
    h.emulator.expireAccessTokens()
    h.emulator.revokeAll()

    const refused = await runCli(['upload', path, '--json'], h.env)

    expect(refused.code).toBe(1)
    expect(parseJson<UploadReport[]>(refused)).toMatchObject([
      {
        status: 'queued',
        remote_path: null,
        error: { code: 'needs_reauth', message: new AppError('needs_reauth').message },
      },
    ])
    expect((await history(h.env)).jobs).toMatchObject([{ status: 'queued', attempts: 0 }])
    expect(await connectDropbox(h.env)).toBe(h.connectionId)
    const again = await runCli(['upload', path, '--json'], h.env)
    expect(again.code, again.stderr).toBe(0)
    expect(parseJson<UploadReport[]>(again)).toMatchObject([{ status: 'done', error: null }])
    expect(storedAt(h.emulator, `${FOLDER}/waiting.tar.xz`)!.content_hash).toBe(
      await dropboxContentHash(path),
    )
    expect((await history(h.env)).jobs).toMatchObject([{ status: 'done' }])
  })
})

describe('a backup that changes under the upload', () => {
  it('deleted in the middle: the job fails with file_missing and nothing is committed', async () => {
    const h = await openHome({ chunkSize: CHUNK })
    const path = await writeBackup(h.backups, 'deleted.tar.xz', 6 * CHUNK, 3)
    h.emulator.injectFault(APPEND, { kind: 'delay', ms: 300 }, 3)
    const cli = startCli(['upload', path, '--json'], h.env)
    cli.child.stdin.end()
    await waitWhileRunning(cli, () => acknowledged(h, APPEND) >= 1, {
      what: 'an acknowledged append',
    })

    await unlink(path)
    const result = await cli.done

    expect(result.code).toBe(1)
    expect(parseJson<UploadReport[]>(result)).toMatchObject([
      { status: 'failed', error: { code: 'file_missing' } },
    ])
    expect((await history(h.env, '--status', 'failed')).jobs).toMatchObject([
      { name: 'deleted.tar.xz', error: { code: 'file_missing' } },
    ])
    expect(h.emulator.count(FINISH)).toBe(0)
    expect(storedFiles(h.emulator)).toEqual([])
  })

  it('rewritten in the middle: that attempt stops, and the settled final content is uploaded', async () => {
    const h = await openHome({ chunkSize: CHUNK, settleSeconds: 1 })
    const size = 6 * CHUNK
    const path = await writeBackup(h.backups, 'changed.tar.xz', size, 4)
    age(path)
    h.emulator.injectFault(APPEND, { kind: 'delay', ms: 300 }, 3)
    const watch = await startWatch(h.backups, h.env)
    await waitWhileRunning(watch, () => acknowledged(h, APPEND) >= 1, {
      what: 'an acknowledged append',
    })

    // Same size, new bytes: only the mtime and the content tell the versions apart.
    writeFileSync(path, backupBytes(size, 5))
    await waitForOutput(watch, 'Uploaded changed.tar.xz')
    expect((await stopCli(watch)).code).toBe(0)

    // Retried, or (when the final version settled first) replaced by the final version's job.
    expect(watch.output().stdout).toMatch(
      /Will retry changed\.tar\.xz .*changed while|Replaced changed\.tar\.xz .*newer version/,
    )
    expect(storedFiles(h.emulator).map((f) => f.name)).toEqual(['changed.tar.xz'])
    expect(storedAt(h.emulator, `${FOLDER}/changed.tar.xz`)!.content_hash).toBe(
      await dropboxContentHash(path),
    )
    expect(h.emulator.count(START)).toBe(2)
    expect(h.emulator.count(FINISH)).toBe(1)
    // The first version's job was replaced by one for the final version, with its own attempts.
    const [final, first] = (await history(h.env)).jobs
    expect(final).toMatchObject({ status: 'done', superseded_by: null })
    expect(first).toMatchObject({
      status: 'cancelled',
      superseded_by: final!.job_id,
      error: { code: 'file_changed' },
    })
  })

  it('rewritten during the commit: both versions arrive and are recorded, none is skipped', async () => {
    const h = await openHome({ chunkSize: CHUNK, settleSeconds: 1 })
    const first = backupBytes(2 * CHUNK + 777, 6)
    const second = backupBytes(2 * CHUNK + 999, 7)
    const path = join(h.backups, 'commit.tar.xz')
    writeFileSync(path, first)
    age(path)
    // Dropbox takes its time over the commit, long enough for the watcher to settle a rewrite.
    h.emulator.injectFault(FINISH, { kind: 'delay', ms: 8000 })
    const watch = await startWatch(h.backups, h.env)
    await waitWhileRunning(watch, () => h.emulator.count(FINISH) === 1, { what: 'the commit' })

    writeFileSync(path, second)
    await waitWhileRunning(watch, () => jobSizes(h).includes(second.length), {
      what: 'the rewritten version to be queued',
    })
    // Only meaningful if the newer version was offered while the first one's commit was open.
    expect(acknowledged(h, FINISH), 'the commit ended before the rewrite was queued').toBe(0)
    await waitForOutput(watch, 'commit (2).tar.xz content_hash')
    expect((await stopCli(watch)).code).toBe(0)

    // Keep-both at Dropbox: the first version under its name, the second beside it.
    expect(storedAt(h.emulator, `${FOLDER}/commit.tar.xz`)!.content_hash).toBe(
      dropboxContentHashOf(first),
    )
    expect(storedAt(h.emulator, `${FOLDER}/commit (2).tar.xz`)!.content_hash).toBe(
      dropboxContentHashOf(second),
    )
    // Each job records the version it uploaded: its own size and its own hash.
    const jobs = (await history(h.env)).jobs.reverse()
    expect(jobs).toMatchObject([
      { status: 'done', size: first.length, content_hash: dropboxContentHashOf(first) },
      { status: 'done', size: second.length, content_hash: dropboxContentHashOf(second) },
    ])
  })
})

describe('transient Dropbox trouble', () => {
  // One upload at a time, so each file takes the per-file routes (files/upload, finish); two at
  // once would commit together through finish_batch_v2, whose faults batched-commits.test.ts tests.
  const oneAtATime = { chunkSize: CHUNK, concurrency: 1 }

  it('429 with Retry-After and 5xx answers are waited out, and every file arrives once', async () => {
    const h = await openHome(oneAtATime)
    h.emulator.injectFault(UPLOAD, { kind: 'rate_limit', retryAfter: 1, body: 'json' })
    h.emulator.injectFault(START, { kind: 'status', status: 500 })
    h.emulator.injectFault(APPEND, { kind: 'status', status: 503 })
    h.emulator.injectFault(APPEND, { kind: 'rate_limit', retryAfter: 1, body: 'text' })
    h.emulator.injectFault(FINISH, { kind: 'status', status: 502 })
    const started = Date.now()

    await uploadBothKinds(h)

    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    const statuses = h.emulator.requests.map((r) => `${r.path} ${r.status}`)
    for (const seen of [
      `${UPLOAD} 429`,
      `${START} 500`,
      `${APPEND} 503`,
      `${APPEND} 429`,
      `${FINISH} 502`,
    ]) {
      expect(statuses).toContain(seen)
    }
  })

  it.each<{ route: string; fault: Fault }>([
    { route: UPLOAD, fault: { kind: 'drop_response' } },
    { route: UPLOAD, fault: { kind: 'reset_mid_body' } },
    { route: UPLOAD, fault: { kind: 'too_many_write_operations' } },
    { route: START, fault: { kind: 'drop_response' } },
    { route: APPEND, fault: { kind: 'drop_response' } },
    { route: APPEND, fault: { kind: 'reset_mid_body' } },
    { route: FINISH, fault: { kind: 'drop_response' } },
    { route: FINISH, fault: { kind: 'too_many_write_operations' } },
    {
      route: FINISH,
      fault: {
        kind: 'rate_limit',
        retryAfter: 1,
        body: 'json',
        reason: 'too_many_write_operations',
      },
    },
  ])('$fault.kind on $route is recovered from without a second copy', async ({ route, fault }) => {
    const h = await openHome(oneAtATime)
    h.emulator.injectFault(route, fault)
    await uploadBothKinds(h)
    // The fault really happened: a request to that route got no answer or an error answer.
    expect(h.emulator.requests.some((r) => r.path === route && r.status !== 200)).toBe(true)
  })
})
