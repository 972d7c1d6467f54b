import {
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DropboxUploader } from '../../../src/main/providers/dropbox/dropbox-uploader.ts'
import { LocalFolderUploader } from '../../../src/main/providers/local/local-folder-uploader.ts'
import { createHash } from 'node:crypto'
import { wasCancelled } from '../../../src/main/uploads/job-cancelled.ts'
import { JobStore } from '../../../src/main/uploads/job-store.ts'
import type { Job } from '../../../src/main/uploads/job-types.ts'
import { UploadQueue } from '../../../src/main/uploads/upload-queue.ts'
import type { Uploader } from '../../../src/main/uploads/uploader.ts'
import { startDropboxEmulator, type DropboxEmulator } from '../../emulators/dropbox/index.ts'
import { tempDir } from '../../support/cli-process.ts'
import { waitFor } from '../../support/wait-for.ts'
import { fakeLog } from '../app/fake-log.ts'
import {
  APP_KEY,
  endpointsOf,
  linkAccount,
  REDIRECT_URI,
} from '../providers/dropbox/emulator-account.ts'
import { fileSends } from '../../support/dropbox-fixture.ts'

const FOLDER = '/Fermentrack Backups'
const SETTLE_MS = 1000
const cleanup: Array<() => unknown> = []

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

function dir(prefix: string): string {
  const path = tempDir(prefix)
  cleanup.push(() => rmSync(path, { recursive: true, force: true }))
  return path
}

function store(home: string): JobStore {
  const opened = new JobStore(home)
  cleanup.push(() => opened.close())
  return opened
}

/** Writes a backup whose last change is `ageS` seconds ago (long settled). */
function writeBackup(path: string, bytes: Buffer, ageS: number): void {
  writeFileSync(path, bytes)
  const then = Date.now() / 1000 - ageS
  utimesSync(path, then, then)
}

function bytes(size: number, seed: number): Buffer {
  return Buffer.alloc(size, seed)
}

/** The local-folder uploader reports the SHA-256 of what it copied. */
const hashOf = (data: Buffer) => createHash('sha256').update(data).digest('hex')

/**
 * A queue on a real queue.db, uploading with `uploader` (the local-folder one by default, into a
 * fresh destination root). `afterUpload` runs between an upload and the finish it reports.
 */
function harness(options: { uploader?: Uploader; clock?: { now: number } } = {}) {
  const home = dir('queue-home')
  const backups = dir('queue-src')
  const root = join(dir('queue-dst'), 'nas')
  mkdirSync(root)
  const owner = store(home)
  const hooks: { afterUpload?: () => void } = {}
  const real = options.uploader ?? new LocalFolderUploader({ destination: root })
  const uploader: Uploader = {
    upload: async (file, folder, context) => {
      const result = await real.upload(file, folder, context)
      hooks.afterUpload?.()
      return result
    },
  }
  const clock = options.clock
  const queue = new UploadQueue({
    store: owner,
    uploaderFor: async () => uploader,
    unavailable: () => [],
    concurrency: () => 2,
    settleMs: SETTLE_MS,
    log: fakeLog(),
    now: clock ? () => clock.now : undefined,
    random: () => 0.5,
  })
  cleanup.push(() => queue.stop())
  const path = join(backups, 'a.tar.xz')
  const offer = (connectionId = 'local') => {
    const { size, mtimeMs } = statSync(path)
    const job = { path, name: 'a.tar.xz', size, mtimeMs, connectionId, remoteFolder: FOLDER }
    return owner.offerAll([{ ...job, origin: 'watch' }], Date.now())[0]!
  }
  /** Each file at the destination, by name, with its bytes. */
  const destination = () => {
    const folder = join(root, FOLDER)
    const names = readdirSync(folder).sort()
    return Object.fromEntries(names.map((name) => [name, readFileSync(join(folder, name))]))
  }
  const settled = (id: number, what: string) =>
    waitFor(
      () => {
        const job = owner.get(id)
        return job && ['done', 'failed', 'cancelled'].includes(job.state) && !queue.active.length
      },
      { what, detail: () => JSON.stringify(owner.get(id)) },
    )
  return { home, root, owner, queue, hooks, path, offer, destination, settled }
}

describe('UploadQueue with a local destination', () => {
  it('a cancel from another process between upload and finish wins: the job stays cancelled', async () => {
    const h = harness()
    const data = bytes(10_000, 1)
    writeBackup(h.path, data, 60)
    const job = h.offer()
    const other = store(h.home)
    h.hooks.afterUpload = () => void other.cancel(job.id, Date.now())
    h.queue.start()
    await h.settled(job.id, 'the job to end')

    expect(h.owner.get(job.id)).toMatchObject({ state: 'cancelled', contentHash: null })
    // The copy was complete and placed before the cancel came: the destination keeps it (the
    // uploader is not undone), but the history says the user cancelled, and nothing records the
    // file as uploaded, so it would be offered again.
    expect(h.destination()).toEqual({ 'a.tar.xz': data })
    expect(h.owner.isDone(h.path, job.size, job.mtimeMs, 'local')).toBe(false)
  })

  it("honours a postponed job's wait: not started before not_before, started after", async () => {
    const clock = { now: Date.now() }
    const h = harness({ clock })
    rmSync(h.root, { recursive: true })
    const data = bytes(5_000, 2)
    writeBackup(h.path, data, 60)
    const job = h.offer()
    h.queue.start()
    // The destination root is missing (an unmounted NAS): retried later, after a backoff.
    const postponed = await waitFor(
      () => {
        const row = h.owner.get(job.id)!
        return row.state === 'queued' && row.errorCode !== null && !h.queue.active.length && row
      },
      { what: 'the first attempt to be postponed' },
    )
    expect(postponed.errorCode).toBe('destination_unavailable')
    expect(postponed.notBefore).toBeGreaterThan(clock.now)
    mkdirSync(h.root)

    clock.now = postponed.notBefore - 1
    h.queue.nudge() // a pump looks at the queue (and would start what is due) synchronously
    expect(h.owner.get(job.id)).toMatchObject({ state: 'queued', attempts: 1 })

    clock.now = postponed.notBefore
    h.queue.nudge()
    expect(h.owner.get(job.id)!.state).toBe('uploading')
    await h.settled(job.id, 'the retry to finish')
    expect(h.owner.get(job.id)).toMatchObject({ state: 'done', attempts: 2 })
    expect(h.destination()).toEqual({ 'a.tar.xz': data })
  })

  it('a version written during the upload is a new job, uploaded after the first', async () => {
    const h = harness()
    const first = bytes(10_000, 3)
    const second = bytes(12_000, 4)
    writeBackup(h.path, first, 120)
    const old = h.offer()
    let newer: Job | undefined
    h.hooks.afterUpload = () => {
      if (newer) return
      // The backup is rewritten while the first version's commit is under way, and the watcher
      // (which saw it settle) offers it.
      writeBackup(h.path, second, 60)
      newer = h.offer()
    }
    h.queue.start()
    await waitFor(() => newer, { what: 'the newer version to be offered' })
    expect(newer).toMatchObject({ state: 'queued', attempts: 0, size: second.length })
    expect(newer!.id).not.toBe(old.id)
    h.queue.nudge()
    await h.settled(newer!.id, 'the newer version to be uploaded')

    expect(h.owner.get(old.id)).toMatchObject({
      state: 'done',
      size: first.length,
      mtimeMs: old.mtimeMs,
      contentHash: hashOf(first),
    })
    expect(h.owner.get(newer!.id)).toMatchObject({ state: 'done', contentHash: hashOf(second) })
    expect(h.destination()).toEqual({ 'a.tar.xz': first, 'a (2).tar.xz': second })
  })

  it('a settled newer version found when the job starts is a new job with its own attempts', async () => {
    const h = harness()
    writeBackup(h.path, bytes(10_000, 5), 120)
    const old = h.offer()
    const second = bytes(12_000, 6)
    writeBackup(h.path, second, 60)
    h.queue.start()
    const replaced = await waitFor(
      () => {
        const row = h.owner.get(old.id)!
        return row.supersededBy !== null && row
      },
      { what: 'the old job to be replaced', detail: () => JSON.stringify(h.owner.get(old.id)) },
    )
    expect(replaced).toMatchObject({ state: 'cancelled', size: 10_000, contentHash: null })
    await h.settled(replaced.supersededBy!, 'the new version to be uploaded')
    expect(h.owner.get(replaced.supersededBy!)).toMatchObject({
      state: 'done',
      size: second.length,
      attempts: 1,
      contentHash: hashOf(second),
    })
    expect(h.destination()).toEqual({ 'a.tar.xz': second })
  })
})

describe("an upload's signal says whether its job was cancelled", () => {
  /** An uploader that holds until aborted and records whether the abort was a cancel. */
  function holdingUploader(seen: boolean[], started: { now: boolean }): Uploader {
    return {
      upload: (_file, _folder, { signal }) =>
        new Promise((_resolve, reject) => {
          started.now = true
          signal.addEventListener('abort', () => {
            seen.push(wasCancelled(signal))
            reject(signal.reason)
          })
        }),
    }
  }

  it.each([
    ['a cancel from another process', true],
    ['a pause', false],
  ] as const)('%s: cancelled is %s', async (what, cancelled) => {
    const seen: boolean[] = []
    const started = { now: false }
    const h = harness({ uploader: holdingUploader(seen, started) })
    writeBackup(h.path, bytes(1000, 3), 60)
    const job = h.offer()
    h.queue.start()
    await waitFor(() => started.now, { what: 'the upload to start' })
    if (cancelled) store(h.home).cancel(job.id, Date.now())
    else h.owner.pause('local')
    h.queue.nudge()
    await waitFor(() => seen.length === 1, { what: `the upload to stop after ${what}` })
    expect(seen).toEqual([cancelled])
  })
})

describe('UploadQueue with Dropbox', () => {
  it('a cancel from a process that does not own the queue aborts the running upload', async () => {
    const emulator = await startDropboxEmulator({ appKey: APP_KEY, redirectUris: [REDIRECT_URI] })
    cleanup.push(() => emulator.close())
    const tokens = await linkAccount(emulator)
    const uploader = new DropboxUploader({ endpoints: endpointsOf(emulator), tokens })
    const h = harness({ uploader })
    writeBackup(h.path, bytes(20_000, 7), 60)
    // The upload request hangs: only an abort ends it before Dropbox answers.
    emulator.injectFault('/2/files/upload', { kind: 'delay', ms: 120_000 })
    const job = h.offer('dbx')
    h.queue.start()
    await waitFor(() => uploads(emulator) === 1, {
      what: 'the upload request',
      detail: () => JSON.stringify(h.owner.get(job.id)),
    })

    // Another process (the app's window, say) cancels in the store and rings the doorbell.
    expect(store(h.home).cancel(job.id, Date.now())).toBe(true)
    h.queue.nudge()
    await waitFor(() => h.queue.active.length === 0 && !h.owner.inFlight().length, {
      what: 'the upload to stop',
    })
    expect(h.owner.get(job.id)).toMatchObject({ state: 'cancelled', contentHash: null })
    expect(emulator.files().size).toBe(0)
  })
})

function uploads(emulator: DropboxEmulator): number {
  return fileSends(emulator)
}
