import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, describe, expect, it } from 'vitest'
import { JobStore, type NewJob } from '../../../src/main/uploads/job-store.ts'
import type { Job } from '../../../src/main/uploads/job-types.ts'
import { MAX_ATTEMPTS } from '../../../src/main/uploads/retry-policy.ts'
import { tempDir } from '../../support/cli-process.ts'

const NOW = 1_800_000_000_000
const DONE = {
  remotePath: '/B/a.tar.xz',
  checksum: { algorithm: 'sha256', value: 'h1' },
  verifiedBy: 'test',
  renamed: false,
  bytesPerSecond: 1,
}
const homes: string[] = []
const stores: JobStore[] = []

afterEach(() => {
  for (const store of stores.splice(0)) store.close()
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true })
})

function home(): string {
  const dir = tempDir('job-store')
  homes.push(dir)
  return dir
}

/** A JobStore on `dir`'s queue.db, as one process would open it. */
function open(dir: string): JobStore {
  const store = new JobStore(dir)
  stores.push(store)
  return store
}

function offer(size = 100, mtimeMs = NOW - 60_000): NewJob {
  const path = '/backups/a.tar.xz'
  return {
    path,
    name: 'a.tar.xz',
    size,
    mtimeMs,
    connectionId: 'dbx',
    remoteFolder: '/B',
    origin: 'watch',
  }
}

function queue(store: JobStore, job = offer()): Job {
  return store.offerAll([job], NOW)[0]!
}

describe('guarded transitions', () => {
  it('apply only to the state and version they were based on, and bump the version', () => {
    const store = open(home())
    const queued = queue(store)
    expect(queued.version).toBe(0)
    const started = store.start(queued, NOW)!
    expect(started).toMatchObject({ state: 'uploading', version: 1, attempts: 1 })

    // `queued` is stale now: nothing may be based on it.
    expect(store.start(queued, NOW)).toBeUndefined()
    expect(store.setState({ ...queued, state: 'uploading' }, 'verifying')).toBeUndefined()
    expect(store.finish({ ...queued, state: 'uploading' }, DONE, NOW)).toBeUndefined()
    expect(store.postpone({ ...queued, state: 'uploading' }, NOW)).toBeUndefined()
    expect(store.fail({ ...queued, state: 'uploading' }, err, NOW)).toBeUndefined()
    expect(store.saveResume({ ...queued, state: 'uploading' }, { at: 1 })).toBe(false)
    expect(store.get(queued.id)).toMatchObject({
      state: 'uploading',
      version: 1,
      resume: undefined,
    })

    const verifying = store.setState(started, 'verifying')!
    expect(verifying.version).toBe(2)
    expect(store.finish(started, DONE, NOW)).toBeUndefined()
    expect(store.finish(verifying, DONE, NOW)).toMatchObject({ state: 'done', version: 3 })
  })

  it('a job started from two stores on one queue.db starts once', () => {
    const dir = home()
    const [a, b] = [open(dir), open(dir)]
    queue(a)
    // Both processes see it runnable, and both try to take it.
    const [seenByA] = a.runnable(NOW, [], 10)
    const [seenByB] = b.runnable(NOW, [], 10)
    const taken = [a.start(seenByA!, NOW), b.start(seenByB!, NOW)]
    expect(taken.filter(Boolean)).toHaveLength(1)
    expect(a.get(seenByA!.id)).toMatchObject({ state: 'uploading', attempts: 1 })
  })

  it('a cancel from another store wins over the finish that follows it', () => {
    const dir = home()
    const [owner, other] = [open(dir), open(dir)]
    const started = owner.start(queue(owner), NOW)!
    expect(other.cancel(started.id, NOW)).toBe(true)
    expect(owner.finish(started, DONE, NOW)).toBeUndefined()
    expect(owner.get(started.id)).toMatchObject({ state: 'cancelled', contentHash: null })
  })

  it('a failed job is requeued once, with a fresh count of attempts', () => {
    const store = open(home())
    const failed = store.fail(store.start(queue(store), NOW)!, err, NOW)!
    const again = store.requeue(failed, NOW)!
    expect(again).toMatchObject({ state: 'queued', attempts: 0, errorCode: null })
    expect(store.requeue(failed, NOW)).toBeUndefined()
  })

  it('recovery after a crash queues the job again under a new version', () => {
    const store = open(home())
    const started = store.start(queue(store), NOW)!
    expect(store.recoverInterrupted(NOW)).toBe(1)
    // The process that held it (if it still runs) can no longer record anything for it.
    expect(store.finish(started, DONE, NOW)).toBeUndefined()
    expect(store.get(started.id)).toMatchObject({ state: 'queued', version: 2 })
  })

  it('gives an interrupted attempt back: crashes alone never use up a job', () => {
    const store = open(home())
    let job = queue(store)
    for (let crash = 0; crash < MAX_ATTEMPTS + 2; crash++) {
      expect(store.start(job, NOW)).toMatchObject({ attempts: 1 })
      store.recoverInterrupted(NOW)
      job = store.get(job.id)!
    }
    expect(job).toMatchObject({ state: 'queued', attempts: 0 })
  })
})

describe('file versions', () => {
  it('a newer version offered while one is in flight is a new job that waits for it', () => {
    const store = open(home())
    const old = store.start(queue(store, offer(100)), NOW)!
    const newer = queue(store, offer(200, NOW - 30_000))

    expect(newer.id).not.toBe(old.id)
    expect(newer).toMatchObject({ state: 'queued', attempts: 0, size: 200 })
    expect(store.runnable(NOW, [], 10)).toEqual([])
    expect(store.start(newer, NOW)).toBeUndefined()

    store.finish(old, { ...DONE, checksum: { algorithm: 'sha256', value: 'old' } }, NOW)
    // The old row keeps the version it uploaded, with that version's hash.
    expect(store.get(old.id)).toMatchObject({ state: 'done', size: 100, contentHash: 'old' })
    expect(store.isDone('/backups/a.tar.xz', 100, NOW - 60_000, 'dbx')).toBe(true)
    expect(store.isDone('/backups/a.tar.xz', 200, NOW - 30_000, 'dbx')).toBe(false)
    expect(store.runnable(NOW, [], 10).map((j) => j.id)).toEqual([newer.id])
  })

  it('a newer version replaces a waiting one, and an in-flight one that comes back', () => {
    const store = open(home())
    const first = queue(store, offer(100))
    const second = queue(store, offer(200, NOW - 30_000))
    expect(store.get(first.id)).toMatchObject({
      state: 'cancelled',
      size: 100,
      supersededBy: second.id,
      errorCode: 'file_changed',
    })
    expect(store.latest(first.id)!.id).toBe(second.id)

    const inFlight = store.start(second, NOW)!
    const third = queue(store, offer(300, NOW - 10_000))
    // Its version is gone from disk: back from flight, it is replaced rather than retried.
    expect(store.postpone(inFlight, NOW)).toMatchObject({
      state: 'cancelled',
      supersededBy: third.id,
    })
    expect(store.counts()).toMatchObject({ queued: 1, cancelled: 2 })
  })

  it('supersede: the job in flight ends, and the current version is a new job', () => {
    const store = open(home())
    const old = store.start(queue(store, offer(100)), NOW)!
    const next = store.supersede(old, { size: 200, mtimeMs: NOW - 30_000 }, NOW)!
    expect(next).toMatchObject({ state: 'queued', attempts: 0, size: 200 })
    expect(store.get(old.id)).toMatchObject({
      state: 'cancelled',
      size: 100,
      supersededBy: next.id,
    })
    expect(store.supersede(old, { size: 300, mtimeMs: NOW }, NOW)).toBeUndefined()
  })
})

describe('an existing queue.db', () => {
  it('gets the version column (0 for old rows) and the per-version open indexes', () => {
    const dir = home()
    const db = new DatabaseSync(join(dir, 'queue.db'))
    db.exec(FIRST_RELEASE_SCHEMA)
    db.prepare(
      `INSERT INTO jobs (path, name, size, mtime_ms, connection_id, remote_folder, state, origin, queued_at)
       VALUES ('/backups/a.tar.xz', 'a.tar.xz', 100, ?, 'dbx', '/B', 'uploading', 'watch', ?)`,
    ).run(NOW - 60_000, NOW)
    db.close()

    const store = open(dir)
    const [old] = store.inFlight()
    expect(old).toMatchObject({ version: 0, supersededBy: null })
    // The old unique index would refuse a second unfinished job for the file.
    expect(queue(store, offer(200, NOW - 30_000))).toMatchObject({ state: 'queued' })
    expect(store.finish(old!, DONE, NOW)).toMatchObject({ state: 'done', version: 1 })
    // Opening it again (as every process does) changes nothing more.
    expect(open(dir).counts()).toMatchObject({ done: 1, queued: 1 })
  })

  it('gains the table of removals: a pruned file, ours or not, is recorded there', () => {
    const dir = home()
    const db = new DatabaseSync(join(dir, 'queue.db'))
    db.exec(FIRST_RELEASE_SCHEMA)
    db.close()

    const store = open(dir)
    const job = queue(store, offer())
    store.finish(store.start(job, NOW)!, DONE, NOW)
    const ours = { connectionId: 'dbx', folder: '/B', name: 'a.tar.xz', rule: 'keepLast=1' }
    expect(store.markPruned(ours, NOW + 1)).toBe(1)
    const planted = { ...ours, name: 'by-hand.tar.xz', path: '/B/by-hand.tar.xz' }
    expect(store.markPruned(planted, NOW + 2)).toBe(0)

    const { removals, total } = store.removals()
    expect(total).toBe(2)
    expect(removals.map((r) => [r.name, r.path, r.rule, r.uploadedByUs])).toEqual([
      ['by-hand.tar.xz', '/B/by-hand.tar.xz', 'keepLast=1', false],
      ['a.tar.xz', '/B/a.tar.xz', 'keepLast=1', true],
    ])
    expect(store.removals({ foreignOnly: true }).removals.map((r) => r.name)).toEqual([
      'by-hand.tar.xz',
    ])
    expect(store.removals({ text: 'hand', connectionId: 'other' }).total).toBe(0)
  })
})

const err = { code: 'network' as const, message: 'offline' }

/** queue.db as the first release created it. */
const FIRST_RELEASE_SCHEMA = `
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY, path TEXT NOT NULL, name TEXT NOT NULL, size INTEGER NOT NULL,
  mtime_ms REAL NOT NULL, connection_id TEXT NOT NULL, remote_folder TEXT NOT NULL,
  state TEXT NOT NULL, origin TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  not_before INTEGER NOT NULL DEFAULT 0, resume TEXT, bytes_done INTEGER NOT NULL DEFAULT 0,
  remote_path TEXT, content_hash TEXT, renamed INTEGER NOT NULL DEFAULT 0, error_code TEXT,
  error_message TEXT, queued_at INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER,
  bytes_per_second REAL
);
CREATE UNIQUE INDEX jobs_open ON jobs(path, connection_id)
  WHERE state IN ('queued', 'uploading', 'verifying', 'failed');
CREATE INDEX jobs_done ON jobs(path, connection_id, size, mtime_ms) WHERE state = 'done';
CREATE INDEX jobs_state ON jobs(state, not_before);
CREATE TABLE pauses (scope TEXT PRIMARY KEY);
`

describe('doneAt: our upload record for a file the provider port lists', () => {
  let version = 0
  /** A done upload of a new version of the file (a new mtime), to `remotePath`. */
  function done(store: JobStore, remotePath: string, hash: string): Job {
    const started = store.start(queue(store, offer(100, NOW - 60_000 + ++version)), NOW)!
    return store.finish(
      started,
      { ...DONE, remotePath, checksum: { ...DONE.checksum, value: hash } },
      NOW,
    )!
  }

  it('matches the remote path, or a local folder’s disk path under the same remote folder', () => {
    const store = open(home())
    done(store, '/mnt/nas/B/a (2).tar.xz', 'disk')
    expect(store.doneAt('dbx', '/B/a (2).tar.xz')).toMatchObject({ contentHash: 'disk' })
    // Another folder's file of that name, another destination, or a name LIKE would match: none.
    expect(store.doneAt('dbx', '/C/a (2).tar.xz')).toBeUndefined()
    expect(store.doneAt('other', '/B/a (2).tar.xz')).toBeUndefined()
    expect(store.doneAt('dbx', '/B/a _2).tar.xz')).toBeUndefined()
  })

  it('gives the newest upload to that path', () => {
    const store = open(home())
    done(store, '/B/a.tar.xz', 'old')
    done(store, '/B/a.tar.xz', 'new')
    expect(store.doneAt('dbx', '/B/a.tar.xz')?.contentHash).toBe('new')
  })
})
