import { appendFileSync, mkdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { WatchOptions } from '../../../src/main/watch/folder-watcher.ts'
import {
  lastStatus,
  names,
  recordWatch,
  sleep,
  until,
  writeOld,
  type Recorded,
  removeTempDirs,
  tmp,
} from './watch-harness.ts'

const running: Recorded[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((watch) => watch.close()))
})
afterAll(removeTempDirs)

function start(options: WatchOptions): Recorded {
  const watch = recordWatch({ settleMs: 300, retryMs: 100, ...options })
  running.push(watch)
  return watch
}

const IGNORED = ['.hidden.tar.xz', 'b.tar.xz.part', 'c.tar.xz.tmp', '~lock.tar.xz', 'notes.txt']
const LIVE_IGNORED = [
  '.live.tar.xz',
  'live.tar.xz.part',
  'live.tar.xz.TMP',
  '~live.tar.xz',
  'live.txt',
  'staging/live.tar.xz',
  'sub/live.tar.xz',
]

function fillFolder(dir: string): void {
  writeOld(join(dir, '2026-11-22T10.00.00.tar.xz'))
  writeOld(join(dir, 'brewhouse.zip'))
  for (const name of IGNORED) writeOld(join(dir, name))
  for (const sub of ['staging', 'sub', '.cache']) {
    mkdirSync(join(dir, sub))
    writeOld(join(dir, sub, `in-${sub}.tar.xz`))
  }
}

describe('watchFolder: which files count', () => {
  it('reports backups by pattern and skips temp names, staging/ and subfolders', async () => {
    const dir = tmp('watch')
    fillFolder(dir)
    const watch = start({ dir })
    await until(() => watch.scans.length === 1, 'scan complete')
    writeFileSync(join(dir, 'new.tar.xz'), 'fresh')
    for (const name of LIVE_IGNORED) writeFileSync(join(dir, name), 'x')
    await until(() => watch.ready.length >= 3, 'three backups')
    await sleep(900)
    expect(names(watch)).toEqual(['2026-11-22T10.00.00.tar.xz', 'brewhouse.zip', 'new.tar.xz'])
    expect(watch.scans).toEqual([2])
    expect(watch.statuses.map((s) => s.state)).toEqual(['starting', 'watching'])
  })

  it('descends into subfolders only when recursive, never into staging/ or dot folders', async () => {
    const dir = tmp('watch')
    fillFolder(dir)
    const watch = start({ dir, recursive: true })
    await until(() => watch.scans.length === 1, 'scan complete')
    mkdirSync(join(dir, 'sub', 'deeper'))
    writeFileSync(join(dir, 'sub', 'deeper', 'late.tar.xz'), 'x')
    await until(() => watch.ready.length >= 4, 'four backups')
    await sleep(600)
    expect(names(watch)).toEqual([
      '2026-11-22T10.00.00.tar.xz',
      'brewhouse.zip',
      'in-sub.tar.xz',
      'late.tar.xz',
    ])
    expect(watch.ready.find((f) => f.name === 'late.tar.xz')?.path).toBe(
      join(dir, 'sub', 'deeper', 'late.tar.xz'),
    )
  })

  it('matches configured patterns on the name, ignoring case', async () => {
    const dir = tmp('watch')
    for (const name of ['a.tar.gz', 'B.TAR.GZ', 'c.tar.xz', 'd.zip', 'x.tar.gz.part']) {
      writeOld(join(dir, name))
    }
    const watch = start({ dir, patterns: ['*.tar.gz'] })
    await until(() => watch.scans.length === 1, 'scan complete')
    await until(() => watch.ready.length >= 2, 'two backups')
    await sleep(400)
    expect(names(watch)).toEqual(['B.TAR.GZ', 'a.tar.gz'])
  })
})

describe('watchFolder: settling', () => {
  it('reports a backup written slowly in chunks once, with its final size, after the last write', async () => {
    const dir = tmp('watch')
    const watch = start({ dir, settleMs: 500 })
    await until(() => watch.scans.length === 1, 'scan complete')
    const path = join(dir, 'slow.tar.xz')
    let lastWrite = 0
    for (let chunk = 0; chunk < 5; chunk++) {
      appendFileSync(path, Buffer.alloc(10_000, chunk))
      lastWrite = Date.now()
      await sleep(300)
    }
    await until(() => watch.ready.length === 1, 'slow file ready')
    await sleep(1500)
    expect(watch.ready).toHaveLength(1)
    expect(watch.ready[0]).toMatchObject({ path, name: 'slow.tar.xz', size: 50_000 })
    // Only a lower bound: a loaded machine may report later, never earlier.
    expect(watch.ready[0]!.at).toBeGreaterThanOrEqual(lastWrite + 500 - 50)
  })

  it('reports a file again when it changes after being reported', async () => {
    const dir = tmp('watch')
    const path = join(dir, 'grows.tar.xz')
    writeOld(path, 'first')
    const watch = start({ dir })
    await until(() => watch.ready.length === 1, 'first report')
    appendFileSync(path, ' and more')
    await until(() => watch.ready.length === 2, 'second report')
    await sleep(800)
    expect(watch.ready.map((f) => f.size)).toEqual([5, 14])
  })

  it('reports existing files at start: old ones at once, fresh ones once settled', async () => {
    const dir = tmp('watch')
    writeOld(join(dir, 'old.tar.xz'))
    writeFileSync(join(dir, 'fresh.tar.xz'), 'just written')
    const watch = start({ dir, settleMs: 1000 })
    await until(() => watch.scans.length === 1, 'scan complete')
    expect(watch.scans).toEqual([2])
    await until(() => watch.ready.length === 2, 'both reported')
    const [first, second] = watch.ready
    expect([first!.name, second!.name]).toEqual(['old.tar.xz', 'fresh.tar.xz'])
  })

  it('cancels the settle of a file deleted before it settled', async () => {
    const dir = tmp('watch')
    const watch = start({ dir, settleMs: 600 })
    await until(() => watch.scans.length === 1, 'scan complete')
    writeFileSync(join(dir, 'gone.tar.xz'), 'x')
    await sleep(100)
    unlinkSync(join(dir, 'gone.tar.xz'))
    writeFileSync(join(dir, 'kept.tar.xz'), 'x')
    await until(() => watch.ready.length === 1, 'kept reported')
    await sleep(800)
    expect(names(watch)).toEqual(['kept.tar.xz'])
  })

  it('keeps reporting after an event handler throws', async () => {
    const dir = tmp('watch')
    const seen: string[] = []
    const { watchFolder } = await import('../../../src/main/watch/folder-watcher.ts')
    const watch = watchFolder(
      { dir, settleMs: 200 },
      {
        onReady: (file) => {
          seen.push(file.name)
          throw new Error('handler bug')
        },
        onStatus: () => {
          throw new Error('handler bug')
        },
      },
    )
    try {
      writeOld(join(dir, 'a.tar.xz'))
      await until(() => seen.length === 1, 'first file')
      writeFileSync(join(dir, 'b.tar.xz'), 'x')
      await until(() => seen.length === 2, 'second file')
    } finally {
      await watch.close()
    }
  })
})

describe('watchFolder: folder trouble', () => {
  it('waits for a folder missing at start, then watches it and reports its files', async () => {
    const dir = join(tmp('watch'), 'backup_files')
    const watch = start({ dir })
    await until(() => lastStatus(watch)?.state === 'unavailable', 'unavailable')
    const status = lastStatus(watch)
    expect(status?.state === 'unavailable' && status.error.code).toBe('watch_folder_unavailable')
    expect(status?.state === 'unavailable' && status.error.message).toContain(dir)
    await sleep(400)
    expect(watch.statuses.filter((s) => s.state === 'unavailable')).toHaveLength(1)
    mkdirSync(dir)
    writeOld(join(dir, 'a.tar.xz'))
    await until(() => lastStatus(watch)?.state === 'watching', 'watching')
    await until(() => watch.ready.length === 1, 'file reported')
    writeFileSync(join(dir, 'b.tar.xz'), 'x')
    await until(() => watch.ready.length === 2, 'live file reported')
  })

  it('reports a folder removed while watching, and resumes with a fresh scan when it is back', async () => {
    const dir = join(tmp('watch'), 'backup_files')
    mkdirSync(dir)
    const watch = start({ dir })
    await until(() => lastStatus(watch)?.state === 'watching', 'watching')
    rmSync(dir, { recursive: true })
    await until(() => lastStatus(watch)?.state === 'unavailable', 'unavailable')
    const status = lastStatus(watch)
    expect(status?.state === 'unavailable' && status.error.message).toMatch(/removed|not exist/)
    mkdirSync(dir)
    writeOld(join(dir, 'after.tar.xz'))
    await until(() => lastStatus(watch)?.state === 'watching', 'watching again')
    await until(() => watch.ready.length === 1, 'file in the new folder')
    expect(watch.scans).toEqual([0, 1])
  })

  it('reports a folder renamed away while watching', async () => {
    const base = tmp('watch')
    const dir = join(base, 'backup_files')
    mkdirSync(dir)
    const watch = start({ dir })
    await until(() => lastStatus(watch)?.state === 'watching', 'watching')
    renameSync(dir, join(base, 'moved'))
    await until(() => lastStatus(watch)?.state === 'unavailable', 'unavailable')
  })

  it('reports a path that is a file, not a folder', async () => {
    const dir = join(tmp('watch'), 'not-a-folder')
    writeFileSync(dir, 'x')
    const watch = start({ dir })
    await until(() => lastStatus(watch)?.state === 'unavailable', 'unavailable')
    const status = lastStatus(watch)
    expect(status?.state === 'unavailable' && status.error.message).toContain('not a folder')
  })
})

describe('watchFolder: polling and closing', () => {
  it('works with polling (for network file systems)', async () => {
    const dir = tmp('watch')
    writeOld(join(dir, 'old.tar.xz'))
    const watch = start({ dir, usePolling: true, settleMs: 500 })
    await until(() => watch.ready.length === 1, 'existing file')
    const path = join(dir, 'slow.tar.xz')
    for (let chunk = 0; chunk < 3; chunk++) {
      appendFileSync(path, Buffer.alloc(1000))
      await sleep(200)
    }
    await until(() => watch.ready.length === 2, 'polled file')
    await sleep(1200)
    expect(watch.ready.map((f) => [f.name, f.size])).toEqual([
      ['old.tar.xz', 6],
      ['slow.tar.xz', 3000],
    ])
  })

  it('delivers nothing after close(), including pending settles and retries', async () => {
    const dir = tmp('watch')
    const watch = start({ dir, settleMs: 400 })
    await until(() => watch.scans.length === 1, 'scan complete')
    writeFileSync(join(dir, 'pending.tar.xz'), 'x')
    await sleep(100)
    await watch.close()
    const statuses = watch.statuses.length
    writeOld(join(dir, 'after.tar.xz'))
    rmSync(dir, { recursive: true })
    await sleep(1000)
    expect(watch.ready).toEqual([])
    expect(watch.statuses).toHaveLength(statuses)

    const missing = start({ dir: join(dir, 'nowhere') })
    await until(() => lastStatus(missing)?.state === 'unavailable', 'unavailable')
    await missing.close()
    const count = missing.statuses.length
    await sleep(400)
    expect(missing.statuses).toHaveLength(count)
  })
})
