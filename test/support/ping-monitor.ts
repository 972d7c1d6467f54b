import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface PingMonitor {
  /** http://127.0.0.1:<port>, to which a test appends its secret path. */
  url: string
  /** Every request's method and path, in order. */
  seen: string[]
  close(): void
}

/**
 * A healthchecks.io-style monitor on 127.0.0.1 that records what it is sent. With `answer`
 * false it takes each request and never answers, as a hung monitor does.
 */
export async function startPingMonitor(answer = true): Promise<PingMonitor> {
  const seen: string[] = []
  const server = createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`)
    if (answer) response.end('OK')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => {
      server.closeAllConnections()
      server.close()
    },
  }
}
