import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  ContentHasher,
  contentHashOfBlocks,
  hashFile,
} from '../../../../src/main/providers/dropbox/content-hash.ts'
import { tempDir } from '../../../support/cli-process.ts'

const MiB = 1024 * 1024
// Vectors from Dropbox's content-hash reference and the shared reference brief.
const VECTORS: Array<[string, Buffer, string]> = [
  ['empty', Buffer.alloc(0), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  [
    '"hello world"',
    Buffer.from('hello world'),
    'bc62d4b80d9e36da29c16c5d4d9f11731f36052c72401a76c23c0fb5a9b74423',
  ],
  [
    '4 MiB of zeros',
    Buffer.alloc(4 * MiB),
    'c7e946d101855255d919ef0c70718633adf77d3dfb3adeeecf5d0cb4e951be58',
  ],
  [
    '4 MiB + 1 of zeros',
    Buffer.alloc(4 * MiB + 1),
    '14a4d47f23a30177885d9820122f17d2d3a55fe63f7f5c27b95f689e0b2accd6',
  ],
]

describe('Dropbox content hash', () => {
  it.each(VECTORS)('%s', async (_name, data, expected) => {
    expect(new ContentHasher().update(data).digest()).toBe(expected)
    const file = join(tempDir('hash'), 'f')
    writeFileSync(file, data)
    expect(await hashFile(file)).toBe(expected)
  })

  it('does not depend on how the bytes are split into updates', () => {
    const data = Buffer.alloc(9 * MiB + 7, 0xab)
    const whole = new ContentHasher().update(data).digest()
    const pieces = new ContentHasher()
    for (let i = 0; i < data.length; i += 1_000_003) pieces.update(data.subarray(i, i + 1_000_003))
    expect(pieces.digest()).toBe(whole)
  })

  it('hands out each block digest, the last short one at digest()', () => {
    const data = Buffer.alloc(9 * MiB + 7, 0xcd)
    const blocks: Buffer[] = []
    const whole = new ContentHasher({ onBlock: (digest) => blocks.push(digest) })
    whole.update(data.subarray(0, 5 * MiB)).update(data.subarray(5 * MiB))
    expect(blocks).toHaveLength(2)
    const hash = whole.digest()
    expect(blocks).toHaveLength(3)
    expect(blocks.map((b) => b.length)).toEqual([32, 32, 32])
    expect(contentHashOfBlocks(blocks)).toBe(hash)
  })

  it('hashes a range that starts on a 4 MiB boundary from its blocks, without its bytes', () => {
    const data = Buffer.alloc(13 * MiB + 5)
    for (let i = 0; i < data.length; i += 4096) data[i] = (i >> 12) & 0xff
    const blocks: Buffer[] = []
    new ContentHasher({ onBlock: (digest) => blocks.push(digest) }).update(data).digest()
    const of = (bytes: Buffer) => new ContentHasher().update(bytes).digest()
    expect(contentHashOfBlocks(blocks.slice(1, 3))).toBe(of(data.subarray(4 * MiB, 12 * MiB)))
    expect(contentHashOfBlocks(blocks.slice(2))).toBe(of(data.subarray(8 * MiB)))
  })
})
