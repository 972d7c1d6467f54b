import { mkdtemp, open, readFile, rm } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { WriteBehind } from './write-behind.ts'

const MIB = 1024 * 1024
let dir = ''
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** A handle whose writev stores at most `most` bytes a call, as a short write would. */
function shortWriting(target: Buffer, most: number): FileHandle {
  const writev = async (buffers: Buffer[], position: number) => {
    let written = 0
    for (const buffer of buffers) {
      const take = Math.min(buffer.length, most - written)
      buffer.copy(target, position + written, 0, take)
      written += take
      if (written === most) break
    }
    return { bytesWritten: written, buffers }
  }
  return { writev } as unknown as FileHandle
}

describe('emulator WriteBehind', () => {
  it('stores a body of many batches at its position, in order', async () => {
    dir = await mkdtemp(join(tmpdir(), 'write-behind-'))
    const path = join(dir, 'session')
    const handle = await open(path, 'w+')
    await handle.write(Buffer.from('head'))
    const body = Buffer.alloc(9 * MIB + 5)
    for (let i = 0; i < body.length; i++) body[i] = (i * 7) % 251
    const writer = new WriteBehind(handle, 4)
    for (let at = 0; at < body.length; at += 65_536) {
      await writer.add(body.subarray(at, at + 65_536))
    }
    await writer.finish()
    await handle.close()
    expect((await readFile(path)).equals(Buffer.concat([Buffer.from('head'), body]))).toBe(true)
  })

  it('finishes short writes', async () => {
    const target = Buffer.alloc(5 * MIB)
    const body = Buffer.alloc(5 * MIB - 10, 9)
    const writer = new WriteBehind(shortWriting(target, 1000), 10)
    for (let at = 0; at < body.length; at += 300_000)
      await writer.add(body.subarray(at, at + 300_000))
    await writer.finish()
    expect(target.subarray(10).equals(body)).toBe(true)
  })

  it('reports a failed write at finish, and settle() waits it out quietly', async () => {
    const failing = {
      writev: () => Promise.reject(Object.assign(new Error('no space'), { code: 'ENOSPC' })),
    } as unknown as FileHandle
    const writer = new WriteBehind(failing, 0)
    await writer.add(Buffer.alloc(4 * MIB))
    await expect(writer.finish()).rejects.toThrow('no space')
    await writer.settle()
  })
})
