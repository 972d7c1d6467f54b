import type * as Electron from 'electron'
import { envProxyRoute, hasProxyVariable, proxyUrl, type ProxyRoute } from '../net/proxy-route.ts'

/**
 * The desktop app's proxy route: the system's proxy for each URL, as Chromium resolves it
 * (`session.resolveProxy`: the desktop's proxy settings, a PAC script, WPAD), handed to the same
 * transports the CLI uses (src/main/net: fetch, the node:http uploads, the S3 SDK's agents).
 *
 * Why resolveProxy rather than doing the requests with `net.fetch`: the engine is plain Node,
 * shared with the CLI and tested without Electron; uploads go through node:http to send chunk
 * buffers without copies and under the bandwidth cap, and the S3 SDK brings its own transport,
 * so net.fetch could carry only part of the traffic. Asking Chromium only *which* proxy keeps one
 * transport for both faces; the proxy choice is the one thing that differs.
 *
 * A proxy set in the app's own environment (HTTPS_PROXY …) wins, as for the CLI: it can carry a
 * user and password, which a resolved system proxy never does.
 */
export function systemProxyRoute(
  session: Pick<Electron.Session, 'resolveProxy'>,
  env: NodeJS.ProcessEnv,
): ProxyRoute {
  if (hasProxyVariable(env)) return envProxyRoute()
  return async (target) => firstUsableProxy(await session.resolveProxy(target.href))
}

/**
 * Chromium answers in PAC form, entries tried in order: "PROXY host:port; HTTPS host:port;
 * SOCKS5 host:port; DIRECT". SOCKS entries are passed over: our transports tunnel with CONNECT,
 * which SOCKS proxies do not speak; with nothing else listed, the request goes directly.
 */
export function firstUsableProxy(pac: string): URL | null {
  for (const entry of pac.split(';')) {
    const [kind = '', hostPort = ''] = entry.trim().split(/\s+/)
    const scheme = { PROXY: 'http', HTTPS: 'https' }[kind.toUpperCase()]
    if (kind.toUpperCase() === 'DIRECT') return null
    if (scheme && hostPort) return proxyUrl(`${scheme}://${hostPort}`)
  }
  return null
}
