import { rmSync, statSync, utimesSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { JobStore } from '../../../../src/main/uploads/job-store.ts'
import { UploadQueue } from '../../../../src/main/uploads/upload-queue.ts'
import { writeBackup } from '../../../support/backup-files.ts'
import { tempDir } from '../../../support/cli-process.ts'
import { waitFor } from '../../../support/wait-for.ts'
import { fakeLog } from '../../app/fake-log.ts'
import { MIB, s3FixturePerTest, storedPartNumbers } from './s3-fixture.ts'

const openFixture = s3FixturePerTest()
const cleanup: Array<() => unknown> = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

describe('cancelling an S3 upload through the queue', () => {
  it('aborts the multipart upload, so the server keeps no parts', async () => {
    const f = await openFixture()
    const home = tempDir('s3-queue')
    const owner = new JobStore(home)
    const other = new JobStore(home)
    cleanup.push(
      () => rmSync(home, { recursive: true, force: true }),
      () => owner.close(),
      () => other.close(),
    )
    const path = await writeBackup(f.dir, 'cancel.tar.xz', 6 * 5 * MIB, 4)
    const then = Date.now() / 1000 - 60
    utimesSync(path, then, then)
    // Parts are held, so the cancel lands mid-upload.
    f.emulator.delay({ match: (r) => r.method === 'PUT' && r.query.has('partNumber'), ms: 200 })
    const queue = new UploadQueue({
      store: owner,
      uploaderFor: async () => f.uploader(),
      unavailable: () => [],
      concurrency: () => 1,
      settleMs: 1000,
      log: fakeLog(),
    })
    cleanup.push(() => queue.stop())
    const { size, mtimeMs } = statSync(path)
    const [job] = owner.offerAll(
      [
        {
          path,
          name: 'cancel.tar.xz',
          size,
          mtimeMs,
          connectionId: 's3-test',
          remoteFolder: '/Backups',
          origin: 'watch',
        },
      ],
      Date.now(),
    )
    queue.start()
    await waitFor(() => storedPartNumbers(f.emulator).length >= 1, { what: 'a stored part' })
    expect(f.emulator.pendingUploads()).toHaveLength(1)

    // The window (another process) cancels; the owner's queue sees it at its next look.
    expect(other.cancel(job!.id, Date.now())).toBe(true)
    queue.nudge()
    await waitFor(
      () => f.emulator.requests.some((r) => r.method === 'DELETE' && r.status === 204),
      {
        what: 'AbortMultipartUpload',
      },
    )
    expect(f.emulator.pendingUploads()).toEqual([])
    expect(owner.get(job!.id)).toMatchObject({ state: 'cancelled' })
    expect(await f.emulator.stored('Backups/cancel.tar.xz')).toBeUndefined()
  })
})
