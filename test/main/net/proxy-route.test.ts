import { afterEach, describe, expect, it, vi } from 'vitest'
import { envProxyRoute, hasProxyVariable, proxyLabel } from '../../../src/main/net/proxy-route.ts'
import { isAppError } from '../../../src/shared/app-error.ts'

const NAMES = ['http_proxy', 'https_proxy', 'all_proxy', 'no_proxy']

/** Only the variables a test sets: none of the machine's own. */
function setProxyEnv(values: Record<string, string>) {
  for (const name of NAMES) {
    vi.stubEnv(name, '')
    vi.stubEnv(name.toUpperCase(), '')
  }
  for (const [name, value] of Object.entries(values)) vi.stubEnv(name, value)
}
afterEach(() => void vi.unstubAllEnvs())

const routeOf = async (target: string) => (await envProxyRoute()(new URL(target)))?.href ?? null

describe('envProxyRoute (the CLI)', () => {
  it('HTTPS_PROXY for https targets, HTTP_PROXY for http ones, either case', async () => {
    setProxyEnv({ HTTPS_PROXY: 'http://secure-proxy:3128', http_proxy: 'http://plain-proxy:8080' })
    expect(await routeOf('https://api.dropboxapi.com/2/users')).toBe('http://secure-proxy:3128/')
    expect(await routeOf('http://nas.local/dav/')).toBe('http://plain-proxy:8080/')
  })

  it('lower case wins over upper case, as curl does', async () => {
    setProxyEnv({ https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' })
    expect(await routeOf('https://example.com/')).toBe('http://lower:1/')
  })

  it('NO_PROXY: exact hosts, domain suffixes, ports, and * for all', async () => {
    setProxyEnv({ HTTPS_PROXY: 'http://p:3128', NO_PROXY: '127.0.0.1,.internal,nas:8443' })
    expect(await routeOf('https://127.0.0.1:9000/')).toBeNull()
    expect(await routeOf('https://files.internal/')).toBeNull()
    expect(await routeOf('https://nas:8443/')).toBeNull()
    expect(await routeOf('https://nas:443/')).toBe('http://p:3128/')
    setProxyEnv({ HTTPS_PROXY: 'http://p:3128', no_proxy: '*' })
    expect(await routeOf('https://anything.example/')).toBeNull()
  })

  it('no variable: direct', async () => {
    setProxyEnv({})
    expect(await routeOf('https://example.com/')).toBeNull()
    expect(hasProxyVariable(process.env)).toBe(false)
  })

  it('a proxy written without a scheme is http://, even for https targets', async () => {
    setProxyEnv({ HTTPS_PROXY: 'proxy.lan:3128' })
    expect(await routeOf('https://example.com/')).toBe('http://proxy.lan:3128/')
    expect(hasProxyVariable(process.env)).toBe(true)
  })

  it('a SOCKS proxy is refused with invalid_setting, the URL not repeated', async () => {
    setProxyEnv({ ALL_PROXY: 'socks5://user:pw-1234@proxy:1080' })
    const error = await envProxyRoute()(new URL('https://example.com/')).catch((e: unknown) => e)
    expect(isAppError(error, 'invalid_setting')).toBe(true)
    expect((error as Error).message).not.toContain('pw-1234')
  })
})

describe('proxyLabel', () => {
  it('is host:port, without the user and password', () => {
    expect(proxyLabel(new URL('http://brewer:s3cret@proxy.lan:3128'))).toBe('proxy.lan:3128')
    expect(proxyLabel(new URL('http://proxy.lan'))).toBe('proxy.lan:80')
    expect(proxyLabel(new URL('https://proxy.lan'))).toBe('proxy.lan:443')
  })
})
