import { readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { JobStore, type NewJob } from '../../src/main/uploads/job-store.ts'
import { backupBytes, dropboxContentHashOf } from '../support/backup-files.ts'
import { tempDir } from '../support/cli-process.ts'
import {
  dropboxHome,
  startWatch,
  status,
  stopCli,
  type DropboxHome,
} from '../support/upload-fixture.ts'

const COUNT = 10_000

let setup: DropboxHome | undefined
afterAll(async () => {
  await setup?.close()
})

/**
 * Records every file as uploaded and verified to the connection, straight in the job store (the
 * same offerAll + finish the queue uses): a real first run of 10,000 uploads would take minutes.
 */
function seedDone(
  home: string,
  connectionId: string,
  files: Array<{ path: string; bytes: Buffer }>,
) {
  const store = new JobStore(home)
  try {
    const offers: NewJob[] = files.map(({ path }) => {
      const { size, mtimeMs } = statSync(path)
      const name = path.slice(path.lastIndexOf('/') + 1)
      const remoteFolder = '/Fermentrack Backups'
      return { path, name, size, mtimeMs, connectionId, remoteFolder, origin: 'watch' }
    })
    const jobs = store.offerAll(offers, Date.now())
    store.transaction(() => {
      for (const [i, job] of jobs.entries()) {
        store.finish(
          store.start(job!, Date.now())!,
          {
            remotePath: `/Fermentrack Backups/${offers[i]!.name}`,
            checksum: {
              algorithm: 'dropbox-content-hash',
              value: dropboxContentHashOf(files[i]!.bytes),
            },
            verifiedBy: 'seeded',
            renamed: false,
            bytesPerSecond: 1000,
          },
          Date.now(),
        )
      }
    })
  } finally {
    store.close()
  }
}

describe('a restart over a folder of 10,000 uploaded backups', () => {
  it('scans them all, queues none, and sends Dropbox and the local folder nothing', async () => {
    const nas = tempDir('nas')
    const h = (setup = await dropboxHome({}, { FTB_LOCAL_DESTINATION: nas }))
    const then = Date.now() / 1000 - 3600
    const files = Array.from({ length: COUNT }, (_, i) => {
      const path = join(h.backups, `${String(i).padStart(5, '0')}.tar.xz`)
      const bytes = backupBytes(64, i)
      writeFileSync(path, bytes)
      utimesSync(path, then, then)
      return { path, bytes }
    })
    seedDone(h.home, h.connectionId, files)
    seedDone(h.home, 'local', files)
    const requestsBefore = h.emulator.requests.length

    const watch = await startWatch(h.backups, h.env)

    expect(watch.output().stdout).toContain(`Watching ${h.backups} → ${h.connectionId}, local`)
    expect(watch.output().stdout).toContain(`Found ${COUNT} backups in ${h.backups}.`)
    const after = await status(h.env)
    expect(after.counts).toEqual({
      queued: 0,
      uploading: 0,
      verifying: 0,
      done: 2 * COUNT,
      failed: 0,
      cancelled: 0,
    })
    expect((await stopCli(watch)).code).toBe(0)
    expect(h.emulator.requests.slice(requestsBefore)).toEqual([])
    expect(readdirSync(nas)).toEqual([])
    rmSync(nas, { recursive: true, force: true })
  })
})
