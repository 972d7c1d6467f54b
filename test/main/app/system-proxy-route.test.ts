// The desktop app's proxy: Electron's session.resolveProxy (played by the fake Electron module)
// decides per URL, and the engine's transports follow it through a real proxy (tinyproxy).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { firstUsableProxy, systemProxyRoute } from '../../../src/main/app/system-proxy-route.ts'
import { routedTransports } from '../../../src/main/net/transports.ts'
import { tempDir } from '../../support/cli-process.ts'
import { startTinyproxy, type Tinyproxy } from '../../support/tinyproxy.ts'
import { fakeElectron } from './fake-electron.ts'

let server: Server
let serverPort: number
let proxy: Tinyproxy
beforeAll(async () => {
  server = createServer((req, res) => void req.resume().on('end', () => res.end('ok')))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  serverPort = (server.address() as AddressInfo).port
  proxy = await startTinyproxy({ connectPorts: [serverPort] })
})
afterAll(async () => {
  await proxy.close()
  await new Promise((resolve) => server.close(resolve))
})
afterEach(() => void vi.unstubAllEnvs())

/** The fake's session, answering `answer` for every URL. */
function sessionSaying(answer: string) {
  const electron = fakeElectron({ appData: tempDir('app-data'), resolveProxy: () => answer })
  return {
    session: electron.modules.session.defaultSession,
    asked: () => electron.named('resolveProxy'),
  }
}

describe('firstUsableProxy (Chromium PAC answers)', () => {
  it('PROXY is an http proxy, HTTPS an https one, DIRECT none', () => {
    expect(firstUsableProxy('PROXY proxy.lan:3128')?.href).toBe('http://proxy.lan:3128/')
    expect(firstUsableProxy('HTTPS proxy.lan:443')?.href).toBe('https://proxy.lan/')
    expect(firstUsableProxy('DIRECT')).toBeNull()
  })

  it('takes the first usable entry in order, passing over SOCKS', () => {
    expect(firstUsableProxy('SOCKS5 s:1080; PROXY p:8080; DIRECT')?.href).toBe('http://p:8080/')
    expect(firstUsableProxy('DIRECT; PROXY p:8080')).toBeNull()
    expect(firstUsableProxy('SOCKS5 s:1080')).toBeNull()
  })
})

describe('systemProxyRoute', () => {
  it('asks the session for each URL and sends the request through the proxy it names', async () => {
    // None of the machine's own proxy variables: the system's answer decides.
    for (const name of ['https_proxy', 'http_proxy', 'all_proxy', 'no_proxy']) {
      vi.stubEnv(name, '')
      vi.stubEnv(name.toUpperCase(), '')
    }
    const { session, asked } = sessionSaying(`PROXY 127.0.0.1:${proxy.port}`)
    const { fetch, uploadFetch } = routedTransports(systemProxyRoute(session, process.env))
    const before = proxy.connects().length

    const target = `http://127.0.0.1:${serverPort}/status`
    expect(await (await fetch(target)).text()).toBe('ok')
    expect(await (await uploadFetch(target, { method: 'PUT', body: 'bytes' })).text()).toBe('ok')

    expect(asked()).toContainEqual([target])
    expect(proxy.connects().slice(before)).toContain(`127.0.0.1:${serverPort}`)
  })

  it('DIRECT: no CONNECT at the proxy', async () => {
    const { session, asked } = sessionSaying('DIRECT')
    const { fetch } = routedTransports(systemProxyRoute(session, {}))
    const before = proxy.connects().length
    expect(await (await fetch(`http://127.0.0.1:${serverPort}/direct`)).text()).toBe('ok')
    expect(asked()).toHaveLength(1)
    expect(proxy.connects().length).toBe(before)
  })

  it('a proxy in the app environment (HTTPS_PROXY) wins over the system one', async () => {
    const { session, asked } = sessionSaying('PROXY 127.0.0.1:1')
    vi.stubEnv('HTTP_PROXY', proxy.url)
    // The test runner exempts loopback (NO_PROXY); this test's target is on loopback.
    vi.stubEnv('NO_PROXY', '')
    vi.stubEnv('no_proxy', '')
    const route = systemProxyRoute(session, { HTTP_PROXY: proxy.url })
    const target = new URL(`http://127.0.0.1:${serverPort}/`)
    expect((await route(target))?.href).toBe(`${proxy.url}/`)
    expect(asked()).toEqual([])
  })
})
