import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { basename, join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { TEMP_NAME } from '../../src/main/providers/local/file-names.ts'
import { MIB, writeBackup } from '../support/backup-files.ts'
import { startCli, tempDir } from '../support/cli-process.ts'
import {
  dropboxHomePerTest,
  history,
  startWatch,
  stopCli,
  storedAt,
  storedFiles,
  writeSettings,
} from '../support/upload-fixture.ts'
import { waitForOutput, waitWhileRunning } from '../support/wait-for.ts'

// The watcher looks for a missing folder again every 5 s; a busy machine needs the margin.
vi.setConfig({ testTimeout: 120_000 })
const openHome = dropboxHomePerTest()

const WAITING = 'Waiting for the folder:'

/** How often `text` is on stdout so far. */
function count(output: string, text: string): number {
  return output.split(text).length - 1
}

describe('watch: the folder itself', () => {
  it('waits for a folder that is not there yet, then uploads what appears in it', async () => {
    const h = await openHome({ settleSeconds: 0.5 })
    const dir = join(h.backups, 'not-mounted-yet')
    const watch = startCli(['watch', '--dir', dir], h.env)
    watch.child.stdin.end()
    await waitForOutput(watch, WAITING)
    expect(watch.output().stdout).toContain(dir)

    mkdirSync(dir)
    await writeBackup(dir, 'late.tar.xz', 2000, 1)
    await waitForOutput(watch, 'Uploaded late.tar.xz', 60_000)

    expect(storedFiles(h.emulator).map((f) => f.name)).toEqual(['late.tar.xz'])
    expect((await stopCli(watch)).code).toBe(0)
  })

  it('says so when the folder is removed, and carries on once it is back', async () => {
    const h = await openHome({ settleSeconds: 0.5 })
    const dir = join(h.backups, 'share')
    mkdirSync(dir)
    const watch = await startWatch(dir, h.env)
    await writeBackup(dir, 'first.tar.xz', 2000, 1)
    await waitForOutput(watch, 'Uploaded first.tar.xz')

    rmSync(dir, { recursive: true })
    await waitForOutput(watch, WAITING, 60_000)
    mkdirSync(dir)
    await waitWhileRunning(watch, () => count(watch.output().stdout, 'Watching ') === 2, {
      what: 'watching the folder again',
      timeoutMs: 60_000,
    })
    await writeBackup(dir, 'second.tar.xz', 3000, 2)
    await waitForOutput(watch, 'Uploaded second.tar.xz')

    const stopped = await stopCli(watch)
    expect(stopped.code).toBe(0)
    expect(storedFiles(h.emulator).map((f) => f.name)).toEqual(['first.tar.xz', 'second.tar.xz'])
  })
})

describe('watch: settings for the folder', () => {
  it('leaves subfolders alone by default, and uploads from them with includeSubfolders', async () => {
    for (const includeSubfolders of [false, true]) {
      const h = await openHome({ settleSeconds: 0.5, includeSubfolders })
      mkdirSync(join(h.backups, 'old', 'deeper'), { recursive: true })
      const watch = await startWatch(h.backups, h.env)
      await writeBackup(join(h.backups, 'old', 'deeper'), 'nested.tar.xz', 2000, 1)
      await writeBackup(h.backups, 'top.tar.xz', 2000, 2)
      await waitForOutput(watch, 'Uploaded top.tar.xz')
      if (includeSubfolders) await waitForOutput(watch, 'Uploaded nested.tar.xz')
      // Without it, the nested file had the same time to settle as top.tar.xz and was ignored.
      expect((await stopCli(watch)).code).toBe(0)
      const names = storedFiles(h.emulator).map((f) => f.name)
      expect(names).toEqual(includeSubfolders ? ['nested.tar.xz', 'top.tar.xz'] : ['top.tar.xz'])
      expect((await history(h.env)).jobs).toHaveLength(names.length)
    }
  })

  it('keeps same-named backups from subfolders apart, in Dropbox and in the local folder', async () => {
    const h = await openHome({ settleSeconds: 0.5, includeSubfolders: true })
    const nas = tempDir('nas')
    writeSettings(h.home, { localDestination: nas, concurrency: 4 })
    const folders = ['', 'a', 'b/deeper']
    for (const folder of folders) mkdirSync(join(h.backups, folder), { recursive: true })
    const watch = await startWatch(h.backups, h.env)
    // Written together, so their copies into one folder would overlap if they shared it.
    const sources = await Promise.all(
      folders.map((folder, i) => writeBackup(join(h.backups, folder), 'x.tar.xz', 3 * MIB, i)),
    )
    await waitWhileRunning(watch, () => count(watch.output().stdout, 'Uploaded x.tar.xz') === 6, {
      what: 'six uploads',
      timeoutMs: 90_000,
    })
    expect((await stopCli(watch)).code).toBe(0)

    // The top folder's name is as it was; the others keep their folder below the remote one.
    for (const [i, folder] of folders.entries()) {
      const remote = ['/Fermentrack Backups', folder, 'x.tar.xz'].filter(Boolean).join('/')
      const bytes = readFileSync(sources[i]!)
      expect(readFileSync(storedAt(h.emulator, remote)!.localPath).equals(bytes), remote).toBe(true)
      expect(readFileSync(join(nas, remote)).equals(bytes), remote).toBe(true)
    }
    expect(storedFiles(h.emulator)).toHaveLength(3)
    const local = readdirSync(nas, { recursive: true }) as string[]
    expect(local.filter((entry) => TEMP_NAME.test(basename(entry)))).toEqual([])
    expect(local.filter((entry) => entry.endsWith('.tar.xz'))).toHaveLength(3)
    expect((await history(h.env)).jobs.map((job) => job.status)).toEqual(Array(6).fill('done'))
    rmSync(nas, { recursive: true, force: true })
  })

  it('with usePolling (for network shares) notices new backups too', async () => {
    const h = await openHome({ settleSeconds: 0.5, usePolling: true })
    const watch = await startWatch(h.backups, h.env)
    await writeBackup(h.backups, 'polled.tar.xz', 2000, 1)
    await waitForOutput(watch, 'Uploaded polled.tar.xz')
    expect((await stopCli(watch)).code).toBe(0)
    expect(storedFiles(h.emulator).map((f) => f.name)).toEqual(['polled.tar.xz'])
  })
})
