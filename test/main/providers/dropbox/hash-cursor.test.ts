import { describe, expect, it } from 'vitest'
import { HashCursor } from '../../../../src/main/providers/dropbox/hash-cursor.ts'
import { SourceReader } from '../../../../src/main/uploads/source-reader.ts'
import { ContentHasher } from '../../../../src/main/providers/dropbox/content-hash.ts'
import { MiB, randomData, sourceFile } from './uploader-fixture.ts'

const hashOf = (data: Uint8Array) => new ContentHasher().update(data).digest()
const signal = new AbortController().signal

async function cursorOver(data: Buffer) {
  const reader = await SourceReader.open(sourceFile('cursor.tar.xz', data))
  return { reader, hash: new HashCursor(reader) }
}

describe('HashCursor', () => {
  it('answers each 8 MiB chunk’s own content_hash from the whole-file block digests', async () => {
    const data = randomData(21 * MiB + 3)
    const { reader, hash } = await cursorOver(data)
    for (let offset = 0; offset < data.length; offset += 8 * MiB) {
      const chunk = data.subarray(offset, offset + 8 * MiB)
      hash.feed(offset, chunk)
      expect(hash.rangeHash(offset, chunk.length)).toBe(hashOf(chunk))
    }
    expect(hash.digest()).toBe(hashOf(data))
    await reader.close()
  })

  it('knows the latest chunk’s hash even after the next one was fed (read-ahead)', async () => {
    const data = randomData(16 * MiB + 1)
    const { reader, hash } = await cursorOver(data)
    hash.feed(0, data.subarray(0, 8 * MiB))
    hash.feed(8 * MiB, data.subarray(8 * MiB))
    hash.feed(8 * MiB, data.subarray(8 * MiB)) // taken: hashed already, nothing to do
    expect(hash.rangeHash(8 * MiB, 8 * MiB + 1)).toBe(hashOf(data.subarray(8 * MiB)))
    // Blocks of chunks before the latest feed are gone: the caller hashes the bytes then.
    expect(hash.rangeHash(0, 8 * MiB)).toBeUndefined()
    await reader.close()
  })

  it('has no answer for ranges off the 4 MiB grid or not yet hashed', async () => {
    const data = randomData(12 * MiB)
    const { reader, hash } = await cursorOver(data)
    await hash.catchUp(4 * MiB + 10, signal)
    hash.feed(4 * MiB + 10, data.subarray(4 * MiB + 10, 12 * MiB))
    expect(hash.rangeHash(4 * MiB + 10, 8 * MiB - 10)).toBeUndefined()
    expect(hash.rangeHash(4 * MiB, 4 * MiB - 10)).toBeUndefined()
    expect(hash.rangeHash(8 * MiB, 0)).toBeUndefined()
    expect(hash.rangeHash(8 * MiB, 4 * MiB)).toBe(hashOf(data.subarray(8 * MiB)))
    expect(hash.digest()).toBe(hashOf(data))
    await reader.close()
  })
})
