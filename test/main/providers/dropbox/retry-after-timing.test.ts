import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { fetchWithRetry } from '../../../../src/main/net/fetch-with-retry.ts'
import { DropboxUploader } from '../../../../src/main/providers/dropbox/dropbox-uploader.ts'
import { startDropboxEmulator, type DropboxEmulator } from '../../../emulators/dropbox/index.ts'
import { waitFor } from '../../../support/wait-for.ts'
import { APP_KEY, endpointsOf, linkAccount, REDIRECT_URI } from './emulator-account.ts'
import { expectStored, FOLDER, randomData, recorder, sourceFile } from './uploader-fixture.ts'

const UPLOAD = '/2/files/upload'
const METADATA = '/2/files/get_metadata'

/**
 * Real time throughout: the emulator stamps each request with its own clock when it arrives, and
 * the client sleeps for real. Only lower bounds are asserted ("not before"), never durations.
 */
let emulator: DropboxEmulator | undefined
let server: Server | undefined
afterEach(async () => {
  await emulator?.close()
  server?.closeAllConnections()
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined))
  emulator = server = undefined
})

async function account() {
  emulator = await startDropboxEmulator({ appKey: APP_KEY, redirectUris: [REDIRECT_URI] })
  const tokens = await linkAccount(emulator)
  // One uploader per connection, as the upload service keeps it: its uploads share one gate.
  const uploader = new DropboxUploader({ endpoints: endpointsOf(emulator), tokens })
  return { emulator, uploader }
}

describe('Retry-After as the server saw it', () => {
  it('a 429 from the app-wide rate limit is retried no sooner than Retry-After seconds later', async () => {
    const { emulator, uploader } = await account()
    const data = randomData(4096)
    emulator.setRateLimit({ requestsPerSecond: 1 })
    await uploader.upload(sourceFile('limited.tar.xz', data), FOLDER, recorder().context)
    expectStored(emulator, `${FOLDER}/limited.tar.xz`, data)
    const seen = emulator.requests.filter((r) => [METADATA, UPLOAD].includes(r.path))
    const refused = seen.filter((r) => r.status === 429)
    expect(refused.length).toBeGreaterThan(0)
    // One upload, one request at a time: each refusal's retry is the next request. The limit
    // answers Retry-After: 1 (its window is one second).
    for (const refusal of refused) {
      const retry = seen[seen.indexOf(refusal) + 1]!
      expect(retry.receivedAt - refusal.receivedAt).toBeGreaterThanOrEqual(1000)
    }
  })

  it("one upload's Retry-After holds back the install's next upload to the same account", async () => {
    const { emulator, uploader } = await account()
    emulator.injectFault(UPLOAD, { kind: 'rate_limit', retryAfter: 3, body: 'json' })
    const first = uploader.upload(
      sourceFile('first.tar.xz', randomData(2048)),
      FOLDER,
      recorder().context,
    )
    const refusal = await waitFor(
      () => emulator.requests.find((r) => r.path === UPLOAD && r.status === 429),
      { what: 'the first upload to be refused' },
    )
    const before = emulator.requests.length
    await uploader.upload(sourceFile('second.tar.xz', randomData(2048)), FOLDER, recorder().context)
    await first
    const next = emulator.requests.slice(before)
    expect(next.length).toBeGreaterThan(0)
    for (const request of next)
      expect(request.receivedAt - refusal.receivedAt).toBeGreaterThanOrEqual(3000)
    expect(emulator.files().size).toBe(2)
  })
})

describe('an HTTP-date Retry-After, from a real server', () => {
  it('the retry arrives no sooner than the date', async () => {
    const arrivals: number[] = []
    let until = 0
    server = createServer((_req, res) => {
      arrivals.push(Date.now())
      if (arrivals.length > 1) return res.end('ok')
      // Whole seconds, as an HTTP-date has them: two to three seconds from now.
      until = (Math.floor(Date.now() / 1000) + 3) * 1000
      res.writeHead(503, { 'retry-after': new Date(until).toUTCString() }).end('down')
    })
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const response = await fetchWithRetry(fetch, `http://127.0.0.1:${port}/`, {})
    expect(response.status).toBe(200)
    expect(arrivals).toHaveLength(2)
    expect(arrivals[1]).toBeGreaterThanOrEqual(until)
  })
})
