import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createConnection, createServer, type AddressInfo, type Server } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'

// Figure 6's delay proxy must pass every byte, in order, both ways, and pass on a half-close only
// after the bytes before it: a figure measured through a proxy that drops or reorders is wrong.
const PROXY = new URL('../../bench/delay-proxy.ts', import.meta.url).pathname

const started: Array<ChildProcess | Server> = []
afterEach(() => {
  for (const thing of started.splice(0)) {
    if ('kill' in thing) thing.kill()
    else thing.close()
  }
})

/** A server that sends back what it received and ends once the client has ended. */
async function echoServer(): Promise<number> {
  const server = createServer({ allowHalfOpen: true }, (socket) => socket.pipe(socket))
  started.push(server)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return (server.address() as AddressInfo).port
}

async function delayProxy(targetPort: number, rttMs: number): Promise<number> {
  const args = [PROXY, '127.0.0.1', `127.0.0.1:${targetPort}`, String(rttMs)]
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  started.push(child)
  const [first] = (await once(child.stdout!, 'data')) as [Buffer]
  return Number(/^listening (\d+)/.exec(first.toString())?.[1])
}

/** Writes `bytes` in uneven pieces, ends, and resolves with all that came back. */
async function roundTrip(port: number, bytes: Buffer): Promise<Buffer> {
  const socket = createConnection({ port, host: '127.0.0.1', allowHalfOpen: true })
  const received: Buffer[] = []
  socket.on('data', (chunk: Buffer) => received.push(chunk))
  const ended = once(socket, 'end')
  for (
    let at = 0, piece = 1;
    at < bytes.length;
    at += piece, piece = ((piece * 7 + 13) % 300_000) + 1
  ) {
    if (!socket.write(bytes.subarray(at, at + piece))) await once(socket, 'drain')
  }
  socket.end()
  await ended
  return Buffer.concat(received)
}

describe('bench/delay-proxy.ts', () => {
  it.each([
    ['holding bytes for a round trip', 30],
    ['as a plain relay (0 ms)', 0],
  ])('passes 8 MiB there and back intact and in order, %s', async (_, rttMs) => {
    const proxy = await delayProxy(await echoServer(), rttMs)
    const bytes = randomBytes(8 * 1024 * 1024)
    const back = await roundTrip(proxy, bytes)
    expect(back.length).toBe(bytes.length)
    expect(back.equals(bytes)).toBe(true)
  })
})
