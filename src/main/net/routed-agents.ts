import { Agent as HttpAgent, request as httpRequest, type ClientRequestArgs } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { isIPv6, type Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { proxyRefusal, proxyUnreachable } from './proxy-errors.ts'
import type { ProxyRoute } from './proxy-route.ts'

/** The agents node:http(s) requests take (httpFetch's uploads, the S3 SDK's request handler). */
export interface RoutedAgents {
  http: HttpAgent
  https: HttpsAgent
}

type Connected = (error: Error | null, socket?: Duplex) => void

/** A proxy that never answers CONNECT must not hold a request for good. */
const CONNECT_TIMEOUT_MS = 60_000

/**
 * Agents that open each connection on the route's way: directly, or through a CONNECT tunnel to
 * the proxy (for http targets too, so a proxy's refusal always comes as CONNECT's answer, never
 * mistaken for the server's). They stay Node's own agents, so kept-alive sockets are pooled and
 * TLS sessions reused as before; only `createConnection` changes.
 *
 * Why not https-proxy-agent: its proxy is fixed when the agent is made, while the route is asked
 * per connection (and asynchronously, in the app), and a refused CONNECT is replayed to the
 * request as if the server had answered, so a 403 from the proxy could not be told from the
 * server's. Node's http client speaks CONNECT itself (the `connect` event) in a few lines.
 */
export function routedAgents(route: ProxyRoute): RoutedAgents {
  return {
    http: routed(new HttpAgent({ keepAlive: true }), 'http:', route),
    // TLS to the server, over the tunnel when there is one: https.Agent's own createConnection
    // takes the tunnel as `socket` and keeps its session cache and certificate checks.
    https: routed(new HttpsAgent({ keepAlive: true }), 'https:', route),
  }
}

function routed<A extends HttpAgent>(agent: A, protocol: 'http:' | 'https:', route: ProxyRoute): A {
  const direct = agent.createConnection.bind(agent)
  agent.createConnection = (options: ClientRequestArgs, callback: Connected) => {
    open(route, protocol, options, (connect) => direct(connect), callback)
    return undefined
  }
  return agent
}

function open(
  route: ProxyRoute,
  protocol: 'http:' | 'https:',
  options: ClientRequestArgs,
  connect: (options: ClientRequestArgs & { socket?: Socket }) => Duplex | null | undefined,
  callback: Connected,
): void {
  const host = options.hostname ?? options.host ?? 'localhost'
  const port = Number(options.port) || (protocol === 'https:' ? 443 : 80)
  const authority = `${isIPv6(host) ? `[${host}]` : host}:${port}`
  // The connection's origin: connections are pooled and shared by the requests to it.
  route(new URL(`${protocol}//${authority}/`))
    .then(async (proxy) => {
      if (!proxy) return connect(options)
      const tunnel = await openTunnel(proxy, authority)
      return protocol === 'https:' ? connect({ ...options, socket: tunnel }) : tunnel
    })
    .then(
      (socket) => callback(null, socket ?? undefined),
      (error: Error) => callback(error),
    )
}

/** A CONNECT tunnel to `authority` through the proxy; rejects with an AppError naming the proxy. */
function openTunnel(proxy: URL, authority: string): Promise<Socket> {
  const headers: Record<string, string> = { host: authority }
  if (proxy.username || proxy.password) {
    const pair = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`
    headers['proxy-authorization'] = `Basic ${Buffer.from(pair).toString('base64')}`
  }
  const send = proxy.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = send({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
      method: 'CONNECT',
      path: authority,
      headers,
      agent: false,
    })
    // Node reports every answer to CONNECT, 200 or not, as `connect` with the raw socket.
    req.once('connect', (res, socket, head) => {
      if (res.statusCode !== 200) {
        socket.destroy()
        reject(proxyRefusal(proxy, res.statusCode ?? 0, authority))
        return
      }
      if (head.length > 0) socket.unshift(head)
      resolve(socket)
    })
    req.once('error', (error) => reject(proxyUnreachable(proxy, error)))
    req.setTimeout(CONNECT_TIMEOUT_MS, () =>
      req.destroy(Object.assign(new Error('CONNECT timed out'), { code: 'ETIMEDOUT' })),
    )
    req.end()
  })
}
