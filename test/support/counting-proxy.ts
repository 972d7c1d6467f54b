import { createConnection, createServer, type Socket } from 'node:net'

/**
 * A TCP proxy on 127.0.0.1 in front of one server, counting the bytes clients send it. A
 * conformance target points its provider at `url` instead of the server's own address, so
 * ConformanceServer.bytesReceived() works for any server (headers included: a few hundred bytes
 * per request). Written here because it is twenty lines of node:net; no package does the
 * counting and the holding together.
 */
export interface CountingProxy {
  /** "http://127.0.0.1:<port>": the server's address with the proxy's port. */
  url: string
  port: number
  /** Bytes passed on from clients to the server so far, over every connection. */
  bytesSent(): number
  /**
   * Passes on no more than `total` bytes in all (counted from the proxy's start) and holds what
   * comes after, until the returned function is called: a test can then kill the client at a
   * known point in the middle of an upload. What a killed client sent past the point is dropped.
   */
  holdAt(total: number): () => void
  /**
   * The head of each request passed on (method, path, Range header), so a test can see what a
   * download asked for. Read from a chunk that starts with a request line, as HTTP clients write
   * a request's head in one piece; body bytes never start one.
   */
  requests(): RequestHead[]
  close(): Promise<void>
}

export interface RequestHead {
  method: string
  path: string
  range: string | undefined
}

const REQUEST_LINE = /^([A-Z]+) (\S+) HTTP\/1\.[01]\r\n/

/** A request's head, if `chunk` starts with one. */
function headOf(chunk: Buffer): RequestHead | undefined {
  const text = chunk.subarray(0, 8192).toString('latin1')
  const line = REQUEST_LINE.exec(text)
  if (!line) return undefined
  const head = text.slice(0, text.indexOf('\r\n\r\n') >>> 0)
  const range = /\r\nrange: *([^\r]*)/i.exec(head)?.[1]
  return { method: line[1]!, path: line[2]!, range }
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target)
  const sockets = new Set<Socket>()
  const held = new Set<() => void>()
  let sent = 0
  let limit = Infinity
  const heads: RequestHead[] = []

  const server = createServer((client) => {
    const target = createConnection({ host: upstream.hostname, port: Number(upstream.port) })
    for (const socket of [client, target]) {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    }
    target.pipe(client)
    client.on('error', () => target.destroy())
    target.on('error', () => client.destroy())
    client.on('close', () => target.end())

    let pending: Buffer | undefined
    const forward = (chunk: Buffer) => {
      const head = pending === undefined ? headOf(chunk) : undefined
      if (head) heads.push(head)
      const room = limit - sent
      const now = room >= chunk.length ? chunk : chunk.subarray(0, Math.max(0, room))
      sent += now.length
      if (now.length > 0 && !target.write(now)) {
        client.pause()
        target.once('drain', () => pending === undefined && client.resume())
      }
      if (now.length === chunk.length) return
      // Past the limit: keep the rest and stop reading from this client until the release.
      pending = chunk.subarray(now.length)
      client.pause()
      const release = () => {
        held.delete(release)
        const rest = pending!
        pending = undefined
        if (client.destroyed) return
        forward(rest)
        if (pending === undefined) client.resume()
      }
      held.add(release)
    }
    client.on('data', forward)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  const url = `${upstream.protocol}//127.0.0.1:${port}`

  return {
    url,
    port,
    bytesSent: () => sent,
    requests: () => [...heads],
    holdAt(total) {
      limit = total
      return () => {
        limit = Infinity
        for (const release of [...held]) release()
      }
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
