import { describe, expect, it } from 'vitest'
import { CONTENT_HASH_BLOCK, ContentHasher, contentHashOf } from './content-hash.ts'

const MIB4 = CONTENT_HASH_BLOCK

describe('emulator content_hash', () => {
  it.each([
    ['empty', Buffer.alloc(0), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    [
      '"hello world"',
      Buffer.from('hello world'),
      'bc62d4b80d9e36da29c16c5d4d9f11731f36052c72401a76c23c0fb5a9b74423',
    ],
    [
      '4 MiB of zeros',
      Buffer.alloc(MIB4),
      'c7e946d101855255d919ef0c70718633adf77d3dfb3adeeecf5d0cb4e951be58',
    ],
    [
      '4 MiB + 1 of zeros',
      Buffer.alloc(MIB4 + 1),
      '14a4d47f23a30177885d9820122f17d2d3a55fe63f7f5c27b95f689e0b2accd6',
    ],
  ])('matches the vector for %s', (_label, bytes, expected) => {
    expect(contentHashOf(bytes)).toBe(expected)
  })

  it('does not depend on how the stream is chunked', () => {
    const bytes = Buffer.alloc(MIB4 + 1)
    const hasher = new ContentHasher()
    let offset = 0
    for (const size of [1, 4095, MIB4 - 8192, 4096, 1]) {
      hasher.update(bytes.subarray(offset, offset + size))
      offset += size
    }
    expect(offset).toBe(MIB4 + 1)
    expect(hasher.digest()).toBe('14a4d47f23a30177885d9820122f17d2d3a55fe63f7f5c27b95f689e0b2accd6')
  })

  it('rolls back to a snapshot', () => {
    const hasher = new ContentHasher()
    hasher.update(Buffer.from('hello '))
    const snapshot = hasher.snapshot()
    hasher.update(Buffer.from('there'))
    hasher.restore(snapshot)
    hasher.update(Buffer.from('world'))
    expect(hasher.digest()).toBe('bc62d4b80d9e36da29c16c5d4d9f11731f36052c72401a76c23c0fb5a9b74423')
  })

  it('continues with the blocks of a hasher that started on a boundary', () => {
    const bytes = Buffer.alloc(2 * MIB4 + 3, 7)
    const first = new ContentHasher()
    first.update(bytes.subarray(0, MIB4))
    const second = new ContentHasher()
    second.update(bytes.subarray(MIB4))
    first.append(second)
    expect(first.digest()).toBe(contentHashOf(bytes))
    first.update(Buffer.from('x'))
    expect(first.digest()).toBe(contentHashOf(Buffer.concat([bytes, Buffer.from('x')])))
  })

  it('refuses to append when not on a block boundary', () => {
    const hasher = new ContentHasher()
    hasher.update(Buffer.from('hello'))
    expect(() => hasher.append(new ContentHasher())).toThrow(/block boundary/)
  })
})
