import type { ProxyAgent } from 'undici'
import type { FetchFn } from './fetch-with-retry.ts'
import { isFirstHopError, proxyRefusal, proxyUnreachable } from './proxy-errors.ts'
import type { ProxyRoute } from './proxy-route.ts'

/**
 * fetch on the route's way: Node's own fetch when direct, undici's fetch with a ProxyAgent when a
 * proxy is chosen. Why undici's own fetch there: its ProxyAgent is a dispatcher of the installed
 * undici, and only that undici's fetch is sure to speak the same dispatcher interface (Node's
 * built-in fetch bundles another undici version, and Electron's Node another again). Why not its
 * EnvHttpProxyAgent: it reads the environment itself, while the desktop app's route is the
 * system's; one ProxyRoute decides for every transport. ProxyAgent tunnels with CONNECT for http
 * targets too, as routed-agents.ts does.
 */
export function routedFetch(route: ProxyRoute, direct: FetchFn = fetch): FetchFn {
  const dispatchers = new Map<string, ProxyAgent>()
  return async (input, init) => {
    if (input instanceof Request) throw new TypeError('routedFetch takes a URL, not a Request')
    const target = new URL(input)
    const proxy = await route(target)
    if (!proxy) return direct(input, init)
    const undici = await loadUndici()
    let dispatcher = dispatchers.get(proxy.href)
    if (!dispatcher) dispatchers.set(proxy.href, (dispatcher = new undici.ProxyAgent(proxy.href)))
    const options = { ...init, dispatcher } as Parameters<typeof undici.fetch>[1]
    try {
      return (await undici.fetch(target, options)) as unknown as Response
    } catch (error) {
      throw proxyFailure(error, proxy, target)
    }
  }
}

/** Loaded on the first proxied request only: importing undici costs the CLI's start ~0.1–0.5 s. */
let undiciModule: Promise<typeof import('undici')> | undefined
const loadUndici = () => (undiciModule ??= import('undici'))

/** undici's rejection when the proxy was the cause, as an AppError naming the proxy. */
function proxyFailure(error: unknown, proxy: URL, target: URL): unknown {
  const authority = `${target.hostname}:${target.port || (target.protocol === 'https:' ? 443 : 80)}`
  for (const cause of causes(error)) {
    // ProxyAgent's words for a CONNECT answered with another status than 200 (fetch wraps them
    // in an AbortError, itself in "fetch failed").
    const status = /Proxy response \((\d{3})\)/.exec(String((cause as Error).message))
    if (status) return proxyRefusal(proxy, Number(status[1]), authority)
    if (isFirstHopError(cause)) return proxyUnreachable(proxy, cause)
  }
  return error
}

function causes(error: unknown): unknown[] {
  const chain: unknown[] = []
  for (let at = error; at instanceof Error && chain.length < 5; at = at.cause) chain.push(at)
  return chain
}
