import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger } from '../../../src/main/log/logger.ts'
import { JobStore } from '../../../src/main/uploads/job-store.ts'
import type { Job } from '../../../src/main/uploads/job-types.ts'
import { MAX_ATTEMPTS } from '../../../src/main/uploads/retry-policy.ts'
import { UploadQueue } from '../../../src/main/uploads/upload-queue.ts'
import {
  FOLDER,
  randomData,
  sourceFile,
  startAccount,
  type Account,
} from '../providers/dropbox/uploader-fixture.ts'
import { waitFor } from '../../support/wait-for.ts'

const UPLOAD = '/2/files/upload'
const SECOND = 1000

let account: Account
let home: string
let store: JobStore
let queue: UploadQueue | undefined

beforeEach(async () => {
  account = await startAccount()
  home = mkdtempSync(join(tmpdir(), 'ftb-queue-waits-'))
  store = new JobStore(home)
})

afterEach(async () => {
  await queue?.stop()
  queue = undefined
  store.close()
  rmSync(home, { recursive: true, force: true })
  await account.emulator.close()
})

/** The real queue over a real store, uploading to the emulator; time is the account's clock. */
function startQueue(): UploadQueue {
  const uploader = account.uploader()
  const started = new UploadQueue({
    store,
    uploaderFor: async () => uploader,
    unavailable: () => [],
    concurrency: () => 2,
    settleMs: 0,
    log: createLogger(),
    now: () => account.clock.now,
  })
  started.start()
  return started
}

function offer(name: string, size = 1000): Job {
  const file = sourceFile(name, randomData(size))
  const [job] = store.offerAll(
    [{ ...file, connectionId: 'dbid:1', remoteFolder: FOLDER, origin: 'watch' }],
    account.clock.now,
  )
  return job!
}

const current = (job: Job) => store.get(job.id)!

describe('a provider that asks for a long wait (429 Retry-After over 5 minutes)', () => {
  it('holds the job that long, plus a little, without using up its attempts; then uploads it', async () => {
    account.emulator.injectFault(UPLOAD, { kind: 'rate_limit', retryAfter: 400, body: 'json' })
    const asked = account.clock.now
    const job = offer('throttled.tar.xz')
    queue = startQueue()

    const waiting = await waitFor(
      () =>
        current(job).errorCode === 'rate_limited' &&
        current(job).state === 'queued' &&
        current(job),
      { what: 'the job to be sent back to the queue' },
    )
    expect(waiting.notBefore).toBeGreaterThanOrEqual(asked + 400 * SECOND)
    // Jitter in the request and in the queue: at most a tenth more each time.
    expect(waiting.notBefore).toBeLessThanOrEqual(asked + 400 * SECOND * 1.1 * 1.1)
    expect(waiting.attempts).toBe(0)
    expect(account.emulator.count(UPLOAD)).toBe(1)

    // Long before the wait is over, nothing is sent again.
    account.clock.now = asked + 300 * SECOND
    queue.nudge() // a due job would be started (its state written) before this returns
    expect(current(job).state).toBe('queued')
    expect(account.emulator.count(UPLOAD)).toBe(1)

    account.clock.now = waiting.notBefore + 1
    queue.nudge()
    const done = await waitFor(() => current(job).state === 'done' && current(job), {
      what: 'the job to be uploaded once the wait is over',
    })
    expect(done.attempts).toBe(1)
    expect(account.emulator.files().size).toBe(1)
  })

  it('many such waits in a row never fail the job', async () => {
    account.emulator.injectFault(
      UPLOAD,
      { kind: 'rate_limit', retryAfter: 400, body: 'text' },
      MAX_ATTEMPTS + 1,
    )
    const job = offer('patient.tar.xz')
    queue = startQueue()
    for (let round = 1; round <= MAX_ATTEMPTS + 1; round++) {
      await waitFor(
        () =>
          account.emulator.count(UPLOAD) === round &&
          current(job).state === 'queued' &&
          current(job).errorCode === 'rate_limited',
        {
          what: `429 number ${round} to be waited for`,
        },
      )
      account.clock.now = current(job).notBefore + 1
      queue.nudge()
    }
    await waitFor(() => current(job).state === 'done', { what: 'the upload after the waits' })
    expect(current(job).attempts).toBe(1)
  })
})
