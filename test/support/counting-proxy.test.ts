import { createServer } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { startCountingProxy, type CountingProxy } from './counting-proxy.ts'
import { waitFor } from './wait-for.ts'

/** An HTTP server that counts the body bytes it has read so far and answers their number. */
async function countingServer() {
  let bodyBytes = 0
  const server = createServer((req, res) => {
    let mine = 0
    req.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.length
      mine += chunk.length
    })
    req.on('end', () => res.end(String(mine)))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return { server, url: `http://127.0.0.1:${port}`, bodyBytes: () => bodyBytes }
}

const open: Array<{ close(): unknown }> = []
afterEach(async () => {
  for (const item of open.splice(0)) await item.close()
})

async function proxyFor(): Promise<{ proxy: CountingProxy; bodyBytes: () => number }> {
  const { server, url, bodyBytes } = await countingServer()
  const proxy = await startCountingProxy(url)
  open.push(proxy, { close: () => new Promise((resolve) => server.close(resolve)) })
  return { proxy, bodyBytes }
}

describe('the counting proxy', () => {
  it('passes requests and answers through, counting what clients sent', async () => {
    const { proxy } = await proxyFor()
    const body = Buffer.alloc(100_000, 7)

    const answers = await Promise.all(
      [1, 2].map(() => fetch(proxy.url, { method: 'PUT', body }).then((r) => r.text())),
    )

    expect(answers).toEqual(['100000', '100000'])
    // Both bodies, plus each request's line and headers.
    expect(proxy.bytesSent()).toBeGreaterThan(200_000)
    expect(proxy.bytesSent()).toBeLessThan(200_000 + 2 * 1024)
  })

  it('holds everything past a byte count until released', async () => {
    const { proxy, bodyBytes } = await proxyFor()
    const release = proxy.holdAt(50_000)
    const answer = fetch(proxy.url, { method: 'PUT', body: Buffer.alloc(300_000, 1) })

    await waitFor(() => proxy.bytesSent() === 50_000 && bodyBytes() > 0, { what: '50,000 bytes' })
    // Held: a while later, still no more has passed.
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(proxy.bytesSent()).toBe(50_000)
    expect(bodyBytes()).toBeLessThan(50_000)

    release()

    expect(await (await answer).text()).toBe('300000')
    expect(bodyBytes()).toBe(300_000)
  })
})
