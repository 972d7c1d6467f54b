import { createHash } from 'node:crypto'
import { mkdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LocalFolderUploader } from '../../../src/main/providers/local/local-folder-uploader.ts'
import { AppError } from '../../../src/shared/app-error.ts'
import { JobStore } from '../../../src/main/uploads/job-store.ts'
import { FINISHED, type Job } from '../../../src/main/uploads/job-types.ts'
import { UploadQueue } from '../../../src/main/uploads/upload-queue.ts'
import type { Uploader } from '../../../src/main/uploads/uploader.ts'
import { tempDir } from '../../support/cli-process.ts'
import { waitFor } from '../../support/wait-for.ts'
import { fakeLog } from '../app/fake-log.ts'

const FOLDER = '/Fermentrack Backups'
const CONCURRENCY = 2
const MAX_AWAITING = 3
const cleanup: Array<() => unknown> = []

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')

/**
 * A destination whose commit waits: each upload copies the file into a real local folder, says
 * it only waits for its commit, and holds until the test opens the gate (or its signal aborts).
 * `failing` names a file whose commit is refused once the gate opens.
 */
function waitingCommits(root: string, failing: string) {
  const copier = new LocalFolderUploader({ destination: root })
  let open: () => void = () => {}
  const gate = new Promise<void>((resolve) => (open = resolve))
  const waiting = new Set<string>()
  /** What the queue answered each awaitingCommit: whether another job started in its place. */
  const handedOn: boolean[] = []
  const uploader: Uploader = {
    upload: async (file, folder, context) => {
      const copied = await copier.upload(file, folder, context)
      handedOn.push(context.awaitingCommit!())
      waiting.add(file.name)
      try {
        await new Promise<void>((resolve, reject) => {
          context.signal.addEventListener('abort', () => reject(context.signal.reason))
          void gate.then(resolve)
        })
      } finally {
        waiting.delete(file.name)
      }
      if (file.name === failing) throw new AppError('insufficient_space')
      return copied
    },
  }
  return { uploader, waiting, handedOn, open: () => open() }
}

/** Every job goes to 'local' unless `connectionOf` names another destination for it. */
function setUp(files: number, connectionOf: (index: number) => string = () => 'local') {
  const home = tempDir('slots-home')
  const backups = tempDir('slots-src')
  const root = join(tempDir('slots-dst'), 'nas')
  mkdirSync(root)
  cleanup.push(() =>
    [home, backups, root].forEach((d) => rmSync(d, { recursive: true, force: true })),
  )
  const store = new JobStore(home)
  cleanup.push(() => store.close())
  const destination = waitingCommits(root, 'b-0.tar.xz')
  const queue = new UploadQueue({
    store,
    uploaderFor: async () => destination.uploader,
    unavailable: () => [],
    concurrency: () => CONCURRENCY,
    maxAwaitingCommit: MAX_AWAITING,
    settleMs: 1000,
    log: fakeLog(),
  })
  cleanup.push(() => queue.stop())
  const data = new Map<string, Buffer>()
  const jobs: Job[] = []
  for (let i = 0; i < files; i++) {
    const name = `b-${i}.tar.xz`
    const path = join(backups, name)
    data.set(name, Buffer.alloc(4000 + i, i))
    writeFileSync(path, data.get(name)!)
    const then = Date.now() / 1000 - 60
    utimesSync(path, then, then)
    const { size, mtimeMs } = statSync(path)
    const connectionId = connectionOf(i)
    const job = { path, name, size, mtimeMs, connectionId, remoteFolder: FOLDER }
    jobs.push(store.offerAll([{ ...job, origin: 'watch' }], Date.now())[0]!)
  }
  return { store, queue, destination, data, jobs }
}

describe('UploadQueue slots of jobs that wait for their commit', () => {
  it('starts other jobs while some wait for their commit, within the bound, and records each outcome', async () => {
    const files = 8
    const { store, queue, destination, data, jobs } = setUp(files)
    queue.start()
    // Beyond the 2 slots, up to 3 waiting jobs gave theirs away; the 2 after them keep theirs.
    const most = CONCURRENCY + MAX_AWAITING
    await waitFor(() => destination.waiting.size >= most, {
      what: `${most} uploads waiting for their commit`,
      detail: () => [...destination.waiting].join(', '),
    })
    queue.nudge() // a pump starts what may start synchronously: nothing more may
    expect(queue.active).toHaveLength(most)
    // The first 3 handed their slots on, each to a new job; the 2 after them were refused.
    expect(destination.handedOn).toEqual([true, true, true, false, false])
    const states = jobs.map((job) => store.get(job.id)!.state)
    expect(states.filter((state) => state === 'queued')).toHaveLength(files - most)

    destination.open()
    await waitFor(() => jobs.every((job) => FINISHED.includes(store.get(job.id)!.state)), {
      what: 'every job to end',
      detail: () => JSON.stringify(jobs.map((j) => store.get(j.id))),
    })
    for (const job of jobs) {
      const row = store.get(job.id)!
      if (job.name === 'b-0.tar.xz') {
        expect(row).toMatchObject({ state: 'failed', errorCode: 'insufficient_space' })
      } else {
        expect(row).toMatchObject({ state: 'done', contentHash: sha256(data.get(job.name)!) })
      }
    }
  })

  it('tells a waiting commit only of a job started for its own destination', async () => {
    // b-0 and b-1 go to 'local', the rest elsewhere: a commit at 'local' has nobody to wait for.
    const { queue, destination } = setUp(8, (i) => (i < 2 ? 'local' : 'nas-2'))
    queue.start()
    const most = CONCURRENCY + MAX_AWAITING
    await waitFor(() => destination.waiting.size >= most, {
      what: `${most} uploads waiting for their commit`,
      detail: () => [...destination.waiting].join(', '),
    })
    // The two at 'local' each handed their slot to a 'nas-2' job; the first 'nas-2' one to wait
    // handed its slot to another 'nas-2' job; the last two were refused (the bound).
    expect(destination.handedOn).toEqual([false, false, true, false, false])
    destination.open()
  })

  it('a cancel still stops a job that waits for its commit', async () => {
    const { store, queue, destination, jobs } = setUp(3)
    queue.start()
    await waitFor(() => destination.waiting.size === 3, { what: 'three uploads waiting' })
    const [cancelled] = jobs
    store.cancel(cancelled!.id, Date.now())
    queue.nudge()
    await waitFor(() => !destination.waiting.has(cancelled!.name), { what: 'the upload to stop' })
    destination.open()
    const ended = () => jobs.every((job) => FINISHED.includes(store.get(job.id)!.state))
    await waitFor(ended, { what: 'every job to end' })
    expect(jobs.map((job) => store.get(job.id)!.state)).toEqual(['cancelled', 'done', 'done'])
  })
})
