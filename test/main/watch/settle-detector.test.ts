import { afterEach, describe, expect, it } from 'vitest'
import {
  SettleDetector,
  type FileStats,
  type ReadyFile,
} from '../../../src/main/watch/settle-detector.ts'
import { sleep, until } from './watch-harness.ts'

const NOW = 1_800_000_000_000

/** An in-memory file system: the detector only ever asks for size, mtime and "is it a file". */
class FakeFiles {
  readonly files = new Map<string, { size: number; mtimeMs: number }>()

  write(path: string, size: number, mtimeMs = Date.now()): FileStats {
    this.files.set(path, { size, mtimeMs })
    return this.statSync(path)
  }

  statSync(path: string): FileStats {
    const file = this.files.get(path)
    if (!file) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' })
    return { ...file, isFile: () => true }
  }

  stat = async (path: string) => this.statSync(path)
}

const detectors: SettleDetector[] = []
afterEach(() => detectors.splice(0).forEach((detector) => detector.close()))

function setup(settleMs = 200) {
  const fs = new FakeFiles()
  const ready: ReadyFile[] = []
  const detector = new SettleDetector({ settleMs, stat: fs.stat, onReady: (f) => ready.push(f) })
  detectors.push(detector)
  return { fs, ready, detector }
}

describe('SettleDetector', () => {
  it('reports a file once its size and mtime have held still for the window', async () => {
    const { fs, ready, detector } = setup()
    detector.observe('/b/a.tar.xz', fs.write('/b/a.tar.xz', 10))
    expect(ready).toEqual([])
    await until(() => ready.length === 1, 'ready')
    expect(ready[0]).toMatchObject({ path: '/b/a.tar.xz', name: 'a.tar.xz', size: 10 })
    expect(detector.pendingCount).toBe(0)
  })

  it('waits longer when only the mtime moves (a same-size rewrite, which awaitWriteFinish misses)', async () => {
    const { fs, ready, detector } = setup(300)
    const first = fs.write('/b/a.tar.xz', 10)
    detector.observe('/b/a.tar.xz', first)
    await sleep(150)
    const second = fs.write('/b/a.tar.xz', 10) // no event: the re-check has to notice
    expect(second.mtimeMs).toBeGreaterThan(first.mtimeMs)
    await sleep(250)
    expect(ready).toEqual([])
    await until(() => ready.length === 1, 'ready')
    expect(ready[0]!.mtimeMs).toBe(second.mtimeMs)
  })

  it('reports a file whose mtime is already older than the window at once', () => {
    const { fs, ready, detector } = setup(2000)
    detector.observe('/b/old.tar.xz', fs.write('/b/old.tar.xz', 5, Date.now() - 60_000))
    expect(ready.map((f) => f.name)).toEqual(['old.tar.xz'])
  })

  it('does not report an unchanged file twice, but reports it again once it changes', async () => {
    const { fs, ready, detector } = setup()
    detector.observe('/b/a.zip', fs.write('/b/a.zip', 5, NOW - 60_000))
    detector.observe('/b/a.zip', fs.statSync('/b/a.zip'))
    detector.observe('/b/a.zip')
    await sleep(300)
    expect(ready).toHaveLength(1)
    detector.observe('/b/a.zip', fs.write('/b/a.zip', 6))
    await until(() => ready.length === 2, 'reported again')
    expect(ready.map((f) => f.size)).toEqual([5, 6])
  })

  it('does not let stale stats of the reported version cancel a newer pending write', async () => {
    const { fs, ready, detector } = setup()
    const old = fs.write('/b/a.zip', 5, Date.now() - 60_000)
    detector.observe('/b/a.zip', old)
    detector.observe('/b/a.zip', fs.write('/b/a.zip', 9))
    detector.observe('/b/a.zip', old) // an event whose stats were taken before the write
    await until(() => ready.length === 2, 'new version reported')
    expect(ready.map((f) => f.size)).toEqual([5, 9])
  })

  it('forgets a pending file that was deleted, and drops one that vanished unannounced', async () => {
    const { fs, ready, detector } = setup()
    detector.observe('/b/a.zip', fs.write('/b/a.zip', 1))
    detector.observe('/b/b.zip', fs.write('/b/b.zip', 1))
    detector.observe('/b/c.zip', fs.write('/b/c.zip', 1))
    detector.forget('/b/a.zip')
    fs.files.delete('/b/b.zip')
    await until(() => ready.length === 1, 'c ready')
    await sleep(300)
    expect(ready.map((f) => f.name)).toEqual(['c.zip'])
    expect(detector.pendingCount).toBe(0)
  })

  it('ignores anything that is not a regular file', () => {
    const { ready, detector } = setup()
    detector.observe('/b/dir.zip', { size: 0, mtimeMs: 0, isFile: () => false })
    expect(ready).toEqual([])
    expect(detector.pendingCount).toBe(0)
  })

  it('settles many files on one timer, each reported once', async () => {
    const { fs, ready, detector } = setup(100)
    for (let i = 0; i < 500; i++) detector.observe(`/b/${i}.zip`, fs.write(`/b/${i}.zip`, i))
    await until(() => ready.length === 500, 'all ready')
    await sleep(200)
    expect(new Set(ready.map((f) => f.path)).size).toBe(500)
  })
})
