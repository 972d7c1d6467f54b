import { getProxyForUrl } from 'proxy-from-env'
import { AppError } from '../../shared/app-error.ts'

/**
 * Where a request to `target` goes first: the proxy's URL (http: or https:, perhaps with
 * user:password), or null for a direct connection. Async because the desktop app asks
 * Electron's session (resolveProxy), which answers later. Every transport takes its route from
 * here: fetch (routed-fetch.ts), the node:http uploads and the S3 SDK (routed-agents.ts).
 */
export type ProxyRoute = (target: URL) => Promise<URL | null>

export const directRoute: ProxyRoute = async () => null

const PROXY_VARIABLES = ['https_proxy', 'http_proxy', 'all_proxy']

/**
 * The CLI's route: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY and NO_PROXY, either case, read by
 * proxy-from-env. Why that library: it applies the rules curl, npm and most tools agree on
 * (lower case first, NO_PROXY entries with a port, a leading dot or `*.`, `*` for all), so a
 * setting that works for them works here. It reads process.env, where a proxy setting lives.
 */
export function envProxyRoute(): ProxyRoute {
  return async (target) => {
    const found = getProxyForUrl(target.href)
    return found ? proxyUrl(schemeAsGiven(found, target)) : null
  }
}

/** Is a proxy set in the environment at all (for the app: it then wins over the system's)? */
export function hasProxyVariable(env: NodeJS.ProcessEnv = process.env): boolean {
  return PROXY_VARIABLES.some((name) => Boolean(env[name]) || Boolean(env[name.toUpperCase()]))
}

/**
 * proxy-from-env gives a proxy written without a scheme (`proxy:3128`) the target's scheme, so
 * an https target would speak TLS to it; curl and every proxy setting in practice mean http://.
 */
function schemeAsGiven(found: string, target: URL): string {
  const prefix = `${target.protocol}//`
  const bare = found.slice(prefix.length)
  const writtenBare =
    found.startsWith(prefix) &&
    PROXY_VARIABLES.some((name) => [name, name.toUpperCase()].some((n) => process.env[n] === bare))
  return writtenBare ? `http://${bare}` : found
}

/** A proxy URL this app can use: http:// or https:// (CONNECT), never SOCKS. */
export function proxyUrl(text: string): URL {
  let url: URL | undefined
  try {
    url = new URL(text)
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new AppError(
      'invalid_setting',
      `The proxy setting (HTTPS_PROXY, HTTP_PROXY or ALL_PROXY) is not an http:// or https:// proxy URL: use http://host:port.`,
    )
  return url
}

/** host:port of a proxy, for messages and logs: never its user name or password. */
export function proxyLabel(proxy: URL): string {
  const port = proxy.port || (proxy.protocol === 'https:' ? '443' : '80')
  return `${proxy.hostname}:${port}`
}
