import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import { archiveFormat, isArchiveComplete } from '../../../src/main/uploads/archive-completeness.ts'
import { backupBytes } from '../../support/backup-files.ts'
import { tempDir } from '../../support/cli-process.ts'

// Real archives from the real tools (xz-utils, gzip, Info-ZIP zip), not from our own reading of
// the formats: the check is only as good as its agreement with what writers actually produce.
let dir: string
const archives = new Map<string, Buffer>()

function tool(command: string, args: string[], input?: Buffer): Buffer {
  return execFileSync(command, args, { cwd: dir, input, maxBuffer: 64 * 1024 * 1024 })
}

/** Some incompressible and some compressible bytes, like a tar of logs and a database. */
function tarLike(seed: number): Buffer {
  const text = Buffer.from(`temperature,gravity,${seed}\n`.repeat(4000))
  return Buffer.concat([backupBytes(150_000, seed), text])
}

beforeAll(() => {
  dir = tempDir('archive-check')
  writeFileSync(join(dir, 'a.tar'), tarLike(1))
  writeFileSync(join(dir, 'b.log'), 'fermentation log\n')
  const xz = (...args: string[]) => tool('xz', ['-c', ...args], tarLike(2))
  archives.set('plain.tar.xz', xz())
  archives.set('no-check.tar.xz', xz('--check=none'))
  archives.set('sha256.tar.xz', xz('--check=sha256'))
  archives.set('many-blocks.tar.xz', xz('--block-size=16KiB'))
  archives.set('threaded.tar.xz', xz('-T2', '--block-size=32KiB', '--check=crc32'))
  archives.set('empty-content.xz', tool('xz', ['-c'], Buffer.alloc(0)))
  archives.set('concatenated.tar.xz', Buffer.concat([xz(), xz('--check=sha256')]))
  archives.set('padded.tar.xz', Buffer.concat([xz(), Buffer.alloc(8)]))
  archives.set('fixture.tar.xz', backupBytes(100_000, 3))
  archives.set('cli.tar.gz', tool('gzip', ['-c'], tarLike(4)))
  archives.set('node.tgz', gzipSync(tarLike(5)))
  archives.set('members.tar.gz', Buffer.concat([gzipSync(tarLike(6)), gzipSync(tarLike(7))]))
  tool('zip', ['-q', 'plain.zip', 'a.tar', 'b.log'])
  archives.set('plain.zip', readFileSync(join(dir, 'plain.zip')))
  tool('zip', ['-q', '-z', 'comment.zip', 'a.tar'], Buffer.from('brewery backups\n.\n'))
  archives.set('comment.zip', readFileSync(join(dir, 'comment.zip')))
  // zip writes ZIP64 records when it streams from stdin.
  archives.set('zip64.zip', tool('zip', ['-q', '-', '-'], tarLike(8)))
  archives.set('empty.zip', Buffer.from('504b0506' + '00'.repeat(18), 'hex'))
})

async function judge(name: string, bytes: Buffer): Promise<boolean | undefined> {
  const path = join(dir, `judged-${name}`)
  writeFileSync(path, bytes)
  return isArchiveComplete(path, bytes.length)
}

/** Where a writer could have stopped: inside the data, the index or directory, the footer. */
function cuts(size: number): number[] {
  return [0, 1, 12, Math.floor(size / 2), size - 30, size - 14, size - 6, size - 1]
}

const NAMES = [
  'plain.tar.xz',
  'no-check.tar.xz',
  'sha256.tar.xz',
  'many-blocks.tar.xz',
  'threaded.tar.xz',
  'empty-content.xz',
  'concatenated.tar.xz',
  'padded.tar.xz',
  'fixture.tar.xz',
  'cli.tar.gz',
  'node.tgz',
  'members.tar.gz',
  'plain.zip',
  'comment.zip',
  'zip64.zip',
  'empty.zip',
]

describe('archive completeness', () => {
  it.each(NAMES)('%s is complete', async (name) => {
    expect(await judge(name, archives.get(name)!)).toBe(true)
  })

  it.each(NAMES)('%s cut short anywhere is incomplete', async (name) => {
    const whole = archives.get(name)!
    for (const cut of cuts(whole.length).filter((c) => c >= 0 && c < whole.length)) {
      const verdict = await judge(name, whole.subarray(0, cut))
      expect({ cut, verdict }).toEqual({ cut, verdict: false })
    }
  })

  // (An empty zip is its signature and zeros: half of it in a zeroed file is the whole of it.)
  it.each(NAMES.filter((n) => n !== 'empty.zip'))(
    '%s half written into a preallocated file is incomplete',
    async (name) => {
      const whole = archives.get(name)!
      const half = Buffer.alloc(whole.length)
      whole.copy(half, 0, 0, whole.length >> 1)
      expect(await judge(name, half)).toBe(false)
    },
  )

  it.each(['junk.tar.xz', 'junk.tgz', 'junk.tar.gz', 'junk.zip'])(
    '%s holding garbage or nothing is not complete',
    async (name) => {
      expect(await judge(name, randomBytes(50_000))).toBe(false)
      expect(await judge(name, Buffer.alloc(0))).toBe(false)
      expect(await judge(name, Buffer.alloc(4096))).toBe(false)
    },
  )

  it('judges only the bytes of the version it was given, not what was appended since', async () => {
    const whole = archives.get('plain.tar.xz')!
    const path = join(dir, 'growing.tar.xz')
    writeFileSync(path, whole)
    expect(await isArchiveComplete(path, whole.length - 100)).toBe(false)
    expect(await isArchiveComplete(path, whole.length)).toBe(true)
  })

  it('refuses what follows an archive, other than xz Stream Padding', async () => {
    const xz = archives.get('plain.tar.xz')!
    expect(await judge('tail.tar.xz', Buffer.concat([xz, Buffer.alloc(3)]))).toBe(false)
    expect(await judge('tail.tar.xz', Buffer.concat([xz, Buffer.from('junk')]))).toBe(false)
    const zip = archives.get('plain.zip')!
    expect(await judge('tail.zip', Buffer.concat([zip, Buffer.from('junk')]))).toBe(false)
    expect(await judge('head.zip', Buffer.concat([Buffer.from('#!stub\n'), zip]))).toBe(false)
  })

  it('checks .xz, .gz and .zip names only; others are left to the settle rule', async () => {
    expect(
      ['a.tar.xz', 'b.TXZ', 'c.tar.gz', 'd.tgz', 'e.ZIP', 'f.tar', 'g.7z'].map(archiveFormat),
    ).toEqual(['xz', 'xz', 'gzip', 'gzip', 'zip', undefined, undefined])
    expect(await judge('notes.tar', randomBytes(100))).toBeUndefined()
  })
})
