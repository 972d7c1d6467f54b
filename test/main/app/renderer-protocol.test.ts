import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  RENDERER_CSP,
  RENDERER_ENTRY_URL,
  registerRendererProtocol,
  resolveRendererFile,
} from '../../../src/main/app/renderer-protocol.ts'
import { fakeNetFetch } from './fake-electron.ts'
import { fakeLog } from './fake-log.ts'

const root = path.resolve('/opt/companion/out/renderer')

describe('resolveRendererFile', () => {
  it.each([
    [RENDERER_ENTRY_URL, 'index.html'],
    ['app://companion/', 'index.html'],
    ['app://companion/assets/index-abc.js?v=1#x', 'assets/index-abc.js'],
    ['app://companion/assets/my%20icon.png', 'assets/my icon.png'],
    // The URL parser resolves dot segments, encoded or not, before the path is looked at.
    ['app://companion/../../etc/passwd', 'etc/passwd'],
    ['app://companion/%2e%2e/%2e%2e/secret', 'secret'],
  ])('maps %s into the renderer folder', (url, file) => {
    expect(resolveRendererFile(url, root)).toBe(path.join(root, file))
  })

  it.each([
    ['escapes through encoded slashes', 'app://companion/a%2f..%2f..%2f..%2fsecret'],
    ['has a NUL byte', 'app://companion/index.html%00.png'],
    ['has broken percent-encoding', 'app://companion/%E0%A4%A'],
    ['is on another host', 'app://elsewhere/index.html'],
    ['uses another scheme', 'https://companion/index.html'],
    ['is a file URL', 'file:///opt/companion/out/renderer/index.html'],
  ])('refuses a URL that %s', (_what, url) => {
    expect(resolveRendererFile(url, root)).toBeNull()
  })
})

describe('registerRendererProtocol', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ftb-renderer-'))
    await writeFile(path.join(dir, 'index.html'), '<!doctype html>')
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  function setUp() {
    let handler: ((request: Request) => Response | Promise<Response>) | undefined
    const fetched: string[] = []
    const log = fakeLog()
    registerRendererProtocol({
      protocol: {
        handle: (scheme, h) => {
          expect(scheme).toBe('app')
          handler = h
        },
      },
      net: {
        fetch: (input) => {
          fetched.push(String(input))
          return fakeNetFetch(String(input))
        },
      },
      rootDir: dir,
      log,
    })
    return { handle: (url: string) => handler!(new Request(url)), fetched, log }
  }

  it('serves files from the renderer folder, with the CSP as a header too', async () => {
    const { handle, fetched } = setUp()
    const response = await handle(RENDERER_ENTRY_URL)
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('<!doctype html>')
    expect(response.headers.get('content-security-policy')).toBe(RENDERER_CSP)
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(fetched).toEqual([pathToFileURL(path.join(dir, 'index.html')).href])
  })

  it('sends the same policy as the meta tag in index.html', () => {
    const html = readFileSync(new URL('../../../src/renderer/index.html', import.meta.url), 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html)
    expect(meta?.[1]).toBe(RENDERER_CSP)
  })

  it('answers 404 without touching the disk for a URL outside it', async () => {
    const { handle, fetched } = setUp()
    const response = await handle('app://companion/a%2f..%2f..%2f..%2fsecret')
    expect(response.status).toBe(404)
    expect(fetched).toEqual([])
  })

  it('answers 404 and logs the URL when a renderer file is missing (net.fetch rejects)', async () => {
    const { handle, fetched, log } = setUp()
    const response = await handle('app://companion/assets/missing.js')
    expect(response.status).toBe(404)
    expect(fetched).toEqual([pathToFileURL(path.join(dir, 'assets', 'missing.js')).href])
    expect(log.records).toMatchObject([
      { level: 'warn', fields: { url: 'app://companion/assets/missing.js' } },
    ])
  })
})
