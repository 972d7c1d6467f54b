// node bench/delay-proxy.ts <listen host> <target host:port> <round trip ms>
//
// The round trip of figure 6's shaped link. This kernel has no netem, so the delay is added here:
// a TCP proxy that holds every chunk of bytes for half the round trip in each direction, and a
// new connection for one whole round trip (the handshake a real link would cost), in the order
// the bytes came. With 0 ms it is a plain relay. Prints "listening <port>" once ready.
//
// Why no package: toxiproxy's latency toxic does this but is a Go server that is not installed;
// the node packages found are plain relays or HTTP proxies that delay whole requests, not bytes
// of both directions in flight. It is ~80 lines of node:net.
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'

/** Bytes held in one direction before the sender is paused: well above 400 Mbit/s × 40 ms. */
const HIGH_WATER = 32 * 1024 * 1024

/**
 * One direction of a connection: each chunk leaves `delayMs` after it arrived, never before, and
 * never out of order. Bytes waiting in the receiving socket's buffer count as sent (they are on
 * the wire); only when that buffer is full does the line wait for it to drain.
 */
function delayLine(from: Socket, to: Socket, delayMs: number): void {
  const queue: Array<{ due: number; chunk: Buffer }> = []
  let held = 0
  let ended = false
  let timer: NodeJS.Timeout | undefined
  let draining = false

  const flush = () => {
    timer = undefined
    if (draining) return
    const now = performance.now()
    while (queue.length && queue[0]!.due <= now + 0.5) {
      const { chunk } = queue.shift()!
      held -= chunk.length
      if (!to.write(chunk)) {
        draining = true
        to.once('drain', () => {
          draining = false
          flush()
        })
        break
      }
    }
    if (held < HIGH_WATER / 2 && from.isPaused()) from.resume()
    if (!queue.length && ended) to.end()
    else schedule()
  }
  const schedule = () => {
    if (timer || draining || !queue.length) return
    timer = setTimeout(flush, Math.max(0, queue[0]!.due - performance.now()))
  }
  from.on('data', (chunk: Buffer) => {
    queue.push({ due: performance.now() + delayMs, chunk })
    held += chunk.length
    if (held >= HIGH_WATER) from.pause()
    schedule()
  })
  from.on('end', () => {
    ended = true
    if (!queue.length && !draining) to.end()
  })
}

function relay(client: Socket, target: { host: string; port: number }, rttMs: number): void {
  // Half-open allowed: an end is passed on only once the bytes before it have left (delayLine).
  const server = createConnection({ ...target, allowHalfOpen: true })
  for (const socket of [client, server]) {
    socket.setNoDelay(true)
    // One side broken: the other goes too, as a broken link would take both.
    socket.on('error', () => {
      client.destroy()
      server.destroy()
    })
  }
  if (rttMs === 0) {
    client.pipe(server)
    server.pipe(client)
    return
  }
  // What the client sends right away waits one round trip: SYN and SYN-ACK on a real link.
  client.pause()
  setTimeout(() => client.resume(), rttMs)
  delayLine(client, server, rttMs / 2)
  delayLine(server, client, rttMs / 2)
}

const [listenHost, targetAddress, rtt] = process.argv.slice(2)
const [targetHost, targetPort] = (targetAddress ?? '').split(':')
const rttMs = Number(rtt)
if (!listenHost || !targetHost || !Number(targetPort) || !(rttMs >= 0)) {
  process.stderr.write('usage: node bench/delay-proxy.ts <listen host> <host:port> <rtt ms>\n')
  process.exit(2)
}
const target = { host: targetHost, port: Number(targetPort) }
const server = createServer({ allowHalfOpen: true }, (client) => relay(client, target, rttMs))
server.listen(0, listenHost, () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`)
})
process.once('SIGTERM', () => process.exit(0))
// A bench killed with -9 cannot stop its proxies: they go when their parent does.
const parent = process.ppid
setInterval(() => process.ppid !== parent && process.exit(0), 1000).unref()
