// The CLI behind a real forward proxy (Debian's tinyproxy), to emulators on https with a test CA
// (trusted by the CLI through NODE_EXTRA_CA_CERTS): sign-in and uploads go through it by
// CONNECT, NO_PROXY bypasses it, and a proxy that refuses is named in one clear line.
import { readFileSync } from 'node:fs'
import { Agent, fetch as undiciFetch } from 'undici'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { DropboxEmulator } from '../emulators/dropbox/index.ts'
import { S3Emulator } from '../emulators/s3/server.ts'
import { MIB, writeBackup } from '../support/backup-files.ts'
import { authorizeShownCode } from '../support/browser.ts'
import { startCountingProxy, type CountingProxy } from '../support/counting-proxy.ts'
import { runCli, startCli, tempDir } from '../support/cli-process.ts'
import { cliEnv, freePort, startEmulator } from '../support/dropbox-fixture.ts'
import { connectS3, s3Env } from '../support/s3-home.ts'
import { makeTestCa, type TestCa } from '../support/test-ca.ts'
import { startTinyproxy, type Tinyproxy } from '../support/tinyproxy.ts'
import { parseJson, storedAt, type UploadReport } from '../support/upload-fixture.ts'

// Several real CLI processes per test on two busy cores.
vi.setConfig({ testTimeout: 180_000 })

const PROXY_PASSWORD = 'proxy-pass-5150'
const FOLDER = '/Fermentrack Backups'

let ca: TestCa
let dropbox: DropboxEmulator
let loopbackPort: number
let s3: S3Emulator
let proxy: Tinyproxy
let guarded: Tinyproxy
let dropboxAt: string
/** A second door to the Dropbox emulator, for its content routes only (uploads). */
let content: CountingProxy
let contentAt: string
let s3At: string

beforeAll(async () => {
  ca = makeTestCa()
  const tls = { key: ca.key, cert: ca.cert }
  ;({ emulator: dropbox, loopbackPort } = await startEmulator({ tls }))
  s3 = await S3Emulator.start({ tls })
  dropboxAt = new URL(dropbox.url).host
  s3At = new URL(s3.endpoint).host
  content = await startCountingProxy(dropbox.url)
  contentAt = `127.0.0.1:${content.port}`
  const ports = [dropboxAt, s3At, contentAt].map((host) => Number(host.split(':')[1]))
  proxy = await startTinyproxy({ connectPorts: ports })
  guarded = await startTinyproxy({
    connectPorts: ports,
    basicAuth: { user: 'brewer', password: PROXY_PASSWORD },
  })
})
afterAll(async () => {
  await Promise.all([proxy?.close(), guarded?.close(), content?.close()])
  await Promise.all([dropbox?.close(), s3?.close()])
  ca?.remove()
})

/** No proxy setting of the machine running the tests leaks into the CLI's. */
const NO_INHERITED_PROXY = Object.fromEntries(
  ['http_proxy', 'https_proxy', 'all_proxy', 'no_proxy'].flatMap((name) => [
    [name, ''],
    [name.toUpperCase(), ''],
  ]),
)

const trusted = { NODE_EXTRA_CA_CERTS: '', ...NO_INHERITED_PROXY }

function dropboxEnv(proxyEnv: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return cliEnv(dropbox, loopbackPort, {
    FTB_SECRET_STORE: 'file',
    ...trusted,
    NODE_EXTRA_CA_CERTS: ca.caFile,
    // Uploads go to the content host: its own port, so the proxy's log tells them apart.
    FTB_DROPBOX_CONTENT_URL: `https://${contentAt}`,
    ...proxyEnv,
  })
}

/** The test's browser: trusts the test CA, and goes directly. */
const browser = ((url: string) =>
  undiciFetch(url, {
    dispatcher: new Agent({ connect: { ca: ca.ca } }),
  })) as unknown as typeof fetch

/** `connect dropbox --redirect manual`: the code from the emulator's page pasted on stdin. */
async function connectByPastedCode(env: NodeJS.ProcessEnv) {
  const cli = startCli(
    ['connect', 'dropbox', '--redirect', 'manual', '--no-browser', '--json'],
    env,
  )
  const authorizeUrl = await cli.firstLine
  if (!authorizeUrl.startsWith('https://')) {
    cli.child.stdin.end()
    return cli.done
  }
  await cli.stderrIncludes('Paste the code')
  cli.child.stdin.end(`${await authorizeShownCode(authorizeUrl, browser)}\n`)
  return cli.done
}

describe('the CLI behind a proxy (HTTPS_PROXY)', () => {
  it('signs in to Dropbox through it: the token exchange goes by CONNECT to the https emulator', async () => {
    const before = proxy.connects().length
    const tokenCalls = dropbox.count('/oauth2/token')
    const result = await connectByPastedCode(dropboxEnv({ HTTPS_PROXY: proxy.url }))
    expect(result.code, result.stderr).toBe(0)
    expect(dropbox.count('/oauth2/token')).toBe(tokenCalls + 1)
    expect(proxy.connects().slice(before)).toContain(dropboxAt)
  })

  it('uploads a backup to Dropbox through it (the content host too), stored byte for byte', async () => {
    const env = dropboxEnv({ HTTPS_PROXY: proxy.url })
    expect((await connectByPastedCode(env)).code).toBe(0)
    const backup = await writeBackup(tempDir('backups'), 'proxied-dropbox.tar.xz', 3 * MIB, 7)
    const before = proxy.connects().length
    const contentBytes = content.bytesSent()

    const result = await runCli(['upload', backup, '--json'], env)

    expect(result.code, result.stderr).toBe(0)
    expect(parseJson<UploadReport[]>(result)[0]).toMatchObject({ status: 'done' })
    const stored = storedAt(dropbox, `${FOLDER}/proxied-dropbox.tar.xz`)
    expect(readFileSync(stored!.localPath).equals(readFileSync(backup))).toBe(true)
    // The file's bytes went by the content host, which the CLI reached only by CONNECT.
    expect(content.bytesSent() - contentBytes).toBeGreaterThan(3 * MIB)
    expect(proxy.connects().slice(before)).toContain(contentAt)
  })

  it('connects S3 and uploads to it through it (lower-case https_proxy), stored byte for byte', async () => {
    const env = { ...s3Env(), ...trusted, NODE_EXTRA_CA_CERTS: ca.caFile, https_proxy: proxy.url }
    const before = proxy.connects().length
    const { result: connected } = await connectS3(s3, env)
    expect(connected.code, connected.stderr).toBe(0)
    expect(proxy.connects().slice(before)).toContain(s3At)
    const backup = await writeBackup(tempDir('backups'), 'proxied-s3.tar.xz', 2 * MIB, 8)
    const beforeUpload = proxy.connects().length

    const result = await runCli(['upload', backup, '--json'], env)

    expect(result.code, result.stderr).toBe(0)
    expect(await s3.stored('Fermentrack Backups/proxied-s3.tar.xz')).toEqual(readFileSync(backup))
    expect(proxy.connects().slice(beforeUpload)).toContain(s3At)
  })

  it('NO_PROXY=127.0.0.1 bypasses it: signed in and uploaded with no CONNECT at the proxy', async () => {
    const env = dropboxEnv({ HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' })
    const before = proxy.connects().length
    const contentBytes = content.bytesSent()
    expect((await connectByPastedCode(env)).code).toBe(0)
    const backup = await writeBackup(tempDir('backups'), 'direct.tar.xz', 100_000, 9)
    const result = await runCli(['upload', backup, '--json'], env)
    expect(result.code, result.stderr).toBe(0)
    expect(storedAt(dropbox, `${FOLDER}/direct.tar.xz`)).toBeDefined()
    expect(content.bytesSent() - contentBytes).toBeGreaterThan(100_000)
    expect(proxy.connects().length).toBe(before)
  })

  it('sends the user and password given in the proxy URL', async () => {
    const url = guarded.url.replace('http://', `http://brewer:${PROXY_PASSWORD}@`)
    const result = await connectByPastedCode(dropboxEnv({ HTTPS_PROXY: url }))
    expect(result.code, result.stderr).toBe(0)
    expect(guarded.connects()).toContain(dropboxAt)
  })
})

describe('a proxy that refuses: one line naming it (host:port), never its password', () => {
  async function refusedSignIn(proxyUrl: string) {
    const result = await connectByPastedCode(dropboxEnv({ HTTPS_PROXY: proxyUrl }))
    expect(result.code).not.toBe(0)
    expect(result.stderr + result.stdout).not.toContain(PROXY_PASSWORD)
    expect(result.stderr + result.stdout).not.toContain('wrong-pass')
    return result.stderr
  }

  it('nothing listens there: proxy_refused, "cannot be reached"', async () => {
    const port = await freePort()
    const stderr = await refusedSignIn(`http://brewer:${PROXY_PASSWORD}@127.0.0.1:${port}`)
    expect(stderr).toContain(`The proxy 127.0.0.1:${port} cannot be reached (ECONNREFUSED).`)
    expect(stderr).toContain('HTTPS_PROXY')
  })

  it('it wants a password (407/401): proxy_auth_required with the fix', async () => {
    const stderr = await refusedSignIn(guarded.url.replace('http://', 'http://brewer:wrong-pass@'))
    expect(stderr).toContain(
      `The proxy 127.0.0.1:${guarded.port} asked for a user name and password`,
    )
    expect(stderr).toContain('HTTPS_PROXY=http://user:password@host:port')
  })

  it('it forbids the CONNECT (403): proxy_refused naming the server it refused', async () => {
    const strict = await startTinyproxy({ connectPorts: [443] })
    try {
      const stderr = await refusedSignIn(strict.url)
      expect(stderr).toContain(
        `The proxy 127.0.0.1:${strict.port} refused to connect to ${dropboxAt}.`,
      )
    } finally {
      await strict.close()
    }
  })
})
