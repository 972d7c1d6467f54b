import { describe, expect, it } from 'vitest'
import { ChunkReader } from '../../../../src/main/providers/dropbox/chunk-reader.ts'
import { SourceReader } from '../../../../src/main/uploads/source-reader.ts'
import { MiB, randomData, sourceFile } from './uploader-fixture.ts'

describe('ChunkReader', () => {
  it('serves a whole file from two buffers, never overwriting the chunk handed out', async () => {
    const data = randomData(4 * MiB + 10)
    const reader = await SourceReader.open(sourceFile('chunks.tar.xz', data))
    const chunks = new ChunkReader(reader, MiB)
    const seen = new Set<ArrayBufferLike>()
    const read: number[] = []
    for (let offset = 0; offset < data.length; offset += MiB) {
      const length = Math.min(MiB, data.length - offset)
      const chunk = await chunks.take(offset, length)
      const copy = Buffer.from(chunk)
      const next = offset + length
      chunks.prefetch(next, Math.min(MiB, data.length - next), (ahead) => read.push(ahead.length))
      await new Promise((resolve) => setTimeout(resolve, 5)) // the read-ahead lands meanwhile
      expect(chunk.equals(copy)).toBe(true)
      expect(chunk.equals(data.subarray(offset, next))).toBe(true)
      seen.add(chunk.buffer)
    }
    expect(seen.size).toBe(2)
    expect(read).toEqual([MiB, MiB, MiB, 10])
    await reader.close()
  })

  it('reads the asked chunk when the read-ahead was for another offset', async () => {
    const data = randomData(3 * MiB)
    const reader = await SourceReader.open(sourceFile('moved.tar.xz', data))
    const chunks = new ChunkReader(reader, MiB)
    await chunks.take(0, MiB)
    chunks.prefetch(MiB, MiB)
    // incorrect_offset moved the session: the unwanted read-ahead must not land in this chunk.
    const moved = await chunks.take(MiB / 2, MiB)
    const copy = Buffer.from(moved)
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(moved.equals(copy)).toBe(true)
    expect(moved.equals(data.subarray(MiB / 2, MiB / 2 + MiB))).toBe(true)
    await reader.close()
  })
})
