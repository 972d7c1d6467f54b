import { readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rangeAnswer, rangeFrom, writeFrom } from '../../../src/main/providers/ranged-download.ts'
import { tempDir } from '../../support/cli-process.ts'

const FILE = Buffer.from('0123456789abcdef')

/** A server that ignores Range, as RFC 9110 §14.2 allows: every GET gets the whole file. */
let server: Server
let url: string
const ranges: Array<string | undefined> = []
beforeAll(async () => {
  server = createServer((req, res) => {
    ranges.push(req.headers.range)
    res.writeHead(200, { 'content-length': String(FILE.length) })
    if (req.url !== '/broken') return void res.end(FILE)
    // Half the file, then the connection drops.
    res.write(FILE.subarray(0, 8), () => res.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/file`
})
afterAll(() => new Promise((resolve) => server.close(resolve)))

/** The same steps a provider's download takes, against that server. */
async function resume(target: string, offset: number, progress: number[] = []) {
  const response = await fetch(url, { headers: rangeFrom(offset) })
  const contentRange = response.headers.get('content-range')
  const how = await rangeAnswer({ status: response.status, contentRange }, offset, 'GET /file')
  await writeFrom(response.body!, target, how === 'rest' ? offset : 0, {
    onProgress: (done) => progress.push(done),
  })
}

describe('a ranged download', () => {
  it('asks for the rest of the file from the offset, and for all of it from 0', () => {
    expect(rangeFrom(0)).toEqual({})
    expect(rangeFrom(10)).toEqual({ range: 'bytes=10-' })
  })

  it.each([
    [200, null, 0, 'whole'],
    [200, null, 10, 'whole'],
    [206, 'bytes 10-15/16', 10, 'rest'],
    [206, 'bytes 10-15/*', 10, 'rest'],
    [416, 'bytes */16', 16, 'complete'],
  ] as const)('reads %i %s from byte %i as %s', async (status, contentRange, offset, meant) => {
    expect(await rangeAnswer({ status, contentRange }, offset, 'GET')).toBe(meant)
  })

  it.each([
    [206, 'bytes 0-15/16', 10],
    [206, null, 10],
    [416, 'bytes */20', 16],
    [416, null, 16],
    [404, null, 0],
  ] as const)(
    'refuses %i %s from byte %i as provider_error',
    async (status, contentRange, offset) => {
      await expect(rangeAnswer({ status, contentRange }, offset, 'GET')).rejects.toMatchObject({
        code: 'provider_error',
      })
    },
  )

  it('takes the size another way for a 416 that names none (Apache)', async () => {
    expect(await rangeAnswer({ status: 416, contentRange: null }, 16, 'GET', async () => 16)).toBe(
      'complete',
    )
  })

  it('rewrites the file from its first byte when the server ignores the Range (200)', async () => {
    const target = join(tempDir('ranged'), 'copy')
    writeFileSync(target, FILE.subarray(0, 10))
    const progress: number[] = []

    await resume(target, 10, progress)

    expect(ranges.at(-1)).toBe('bytes=10-')
    // The whole file once, not appended to the kept part.
    expect(readFileSync(target).equals(FILE)).toBe(true)
    expect(progress.at(-1)).toBe(FILE.length)
  })

  it('keeps exactly the offset: bytes beyond it are cut before appending', async () => {
    const target = join(tempDir('ranged'), 'copy')
    writeFileSync(target, 'ABCDEFGHIJKL')

    await writeFrom(bodyOf('xyz'), target, 4, {})

    expect(readFileSync(target, 'utf8')).toBe('ABCDxyz')
  })

  it('refuses an offset past what the file holds, and leaves it as it was', async () => {
    const target = join(tempDir('ranged'), 'copy')
    writeFileSync(target, 'ABC')

    await expect(writeFrom(bodyOf('xyz'), target, 4, {})).rejects.toMatchObject({
      code: 'usage',
    })
    expect(readFileSync(target, 'utf8')).toBe('ABC')
  })

  it('says network when the connection drops mid-file, keeping what arrived for a resume', async () => {
    const target = join(tempDir('ranged'), 'copy')
    const response = await fetch(url.replace('/file', '/broken'))

    await expect(writeFrom(response.body!, target, 0, {})).rejects.toMatchObject({
      code: 'network',
    })
    // Whatever arrived before the drop (the client may see the close before the last bytes).
    const kept = readFileSync(target)
    expect(kept.length).toBeLessThanOrEqual(8)
    expect(kept.equals(FILE.subarray(0, kept.length))).toBe(true)
  })

  it('says destination_unavailable for a target it cannot write', async () => {
    const target = join(tempDir('ranged'), 'no such folder', 'copy')
    await expect(writeFrom(bodyOf('xyz'), target, 0, {})).rejects.toMatchObject({
      code: 'destination_unavailable',
    })
  })
})

function bodyOf(text: string) {
  return new Response(text).body!
}
