import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { uploadBucket } from '../../../src/main/net/bandwidth-limit.ts'
import { applyBandwidthLimit } from '../../../src/main/net/bandwidth-setting.ts'
import { httpFetch } from '../../../src/main/net/http-fetch.ts'
import { TokenBucket } from '../../../src/main/net/token-bucket.ts'
import { SettingsStore } from '../../../src/main/store/settings-store.ts'

const received: Buffer[] = []
const server = createServer(async (req: IncomingMessage, res) => {
  const parts: Buffer[] = []
  for await (const part of req) parts.push(part as Buffer)
  received.push(Buffer.concat(parts))
  res.end('{}')
})
let base = ''
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
afterEach(() => {
  uploadBucket.setRate(0)
  received.length = 0
})

describe('uploads through httpFetch under the cap', () => {
  it('a buffer and a stream arrive identical with the cap on', async () => {
    uploadBucket.setRate(16 * 1024 * 1024)
    const bytes = randomBytes(3 * 1024 * 1024 + 17)
    await httpFetch(base, { method: 'POST', body: bytes })
    const stream = Readable.from([bytes.subarray(0, 1_000_000), bytes.subarray(1_000_000)])
    await httpFetch(base, {
      method: 'POST',
      body: stream as unknown as RequestInit['body'],
      headers: { 'content-length': String(bytes.length) },
    })
    expect(received).toHaveLength(2)
    for (const body of received) expect(body.equals(bytes)).toBe(true)
  })
})

describe('the bandwidthLimit setting', () => {
  const homes: string[] = []
  afterAll(() => homes.forEach((home) => rmSync(home, { recursive: true, force: true })))
  function store(): SettingsStore {
    const home = mkdtempSync(join(tmpdir(), 'ftb-cap-'))
    homes.push(home)
    return new SettingsStore(home)
  }

  it('is applied at once and again on every change, while uploads may run', () => {
    const settings = store()
    expect(settings.get().bandwidthLimit).toBe(0)
    const bucket = new TokenBucket(123, () => 0)
    const stop = applyBandwidthLimit({}, settings, bucket)
    expect(bucket.bytesPerSecond).toBe(0)
    settings.update((s) => ({ ...s, bandwidthLimit: 5 * 1024 * 1024 }))
    expect(bucket.bytesPerSecond).toBe(5 * 1024 * 1024)
    stop()
    settings.update((s) => ({ ...s, bandwidthLimit: 1 }))
    expect(bucket.bytesPerSecond).toBe(5 * 1024 * 1024)
  })

  it('FTB_BANDWIDTH_LIMIT wins over the setting, also after a change', () => {
    const settings = store()
    settings.update((s) => ({ ...s, bandwidthLimit: 1000 }))
    const bucket = new TokenBucket(0, () => 0)
    applyBandwidthLimit({ FTB_BANDWIDTH_LIMIT: '500K' }, settings, bucket)
    expect(bucket.bytesPerSecond).toBe(500 * 1024)
    settings.update((s) => ({ ...s, bandwidthLimit: 2000 }))
    expect(bucket.bytesPerSecond).toBe(500 * 1024)
  })

  it('refuses a negative or fractional limit, and the file keeps its value', () => {
    const settings = store()
    expect(() => settings.update((s) => ({ ...s, bandwidthLimit: -1 }))).toThrow()
    expect(() => settings.update((s) => ({ ...s, bandwidthLimit: 1.5 }))).toThrow()
    expect(settings.get().bandwidthLimit).toBe(0)
  })
})
