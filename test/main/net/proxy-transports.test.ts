// Every transport of the engine through a real forward proxy (tinyproxy) on 127.0.0.1: the
// request goes by CONNECT when the route says so, and a proxy that refuses is an AppError naming
// it (host:port, never its password). The https side, with a test CA, is in test/cli/proxy.test.ts.
import { ListObjectsV2Command } from '@aws-sdk/client-s3'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FetchFn } from '../../../src/main/net/fetch-with-retry.ts'
import { routedHttpFetch } from '../../../src/main/net/http-fetch.ts'
import type { ProxyRoute } from '../../../src/main/net/proxy-route.ts'
import { routedAgents } from '../../../src/main/net/routed-agents.ts'
import { routedFetch } from '../../../src/main/net/routed-fetch.ts'
import { s3Client } from '../../../src/main/providers/s3/s3-client.ts'
import { isAppError } from '../../../src/shared/app-error.ts'
import { S3Emulator } from '../../emulators/s3/server.ts'
import { freePort } from '../../support/dropbox-fixture.ts'
import { S3_SECRET } from '../../support/s3-home.ts'
import { startTinyproxy, type Tinyproxy } from '../../support/tinyproxy.ts'

const PASSWORD = 'hop-secret-4711'

let server: Server
let serverPort: number
const received: string[] = []
let closedPort: number
let notAllowedPort: number
let open: Tinyproxy
let guarded: Tinyproxy
let s3: S3Emulator
let s3Port: number

beforeAll(async () => {
  server = createServer((req, res) => {
    received.push(`${req.method} ${req.url}`)
    req.resume()
    req.on('end', () => res.end('stored'))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  serverPort = (server.address() as AddressInfo).port
  s3 = await S3Emulator.start()
  s3Port = Number(new URL(s3.endpoint).port)
  closedPort = await freePort()
  notAllowedPort = await freePort()
  open = await startTinyproxy({ connectPorts: [serverPort, closedPort, s3Port] })
  guarded = await startTinyproxy({
    connectPorts: [serverPort, s3Port],
    basicAuth: { user: 'brewer', password: PASSWORD },
  })
})
afterAll(async () => {
  await Promise.all([open.close(), guarded.close(), s3.close()])
  await new Promise((resolve) => server.close(resolve))
})

const via =
  (proxy: string | null): ProxyRoute =>
  async () =>
    proxy === null ? null : new URL(proxy)
const withCredentials = (proxy: Tinyproxy, password: string) =>
  proxy.url.replace('http://', `http://brewer:${password}@`)

const transports: Array<[string, (route: ProxyRoute) => FetchFn]> = [
  ['fetch (undici ProxyAgent)', (route) => routedFetch(route)],
  ['uploadFetch (node:http, routed agents)', (route) => routedHttpFetch(routedAgents(route))],
]

async function rejection(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  expect(isAppError(error), String(error)).toBe(true)
  const { code, message } = error as { code: string; message: string }
  expect(message).not.toContain(PASSWORD)
  expect(message).not.toContain('brewer')
  return { code, message }
}

describe.each(transports)('%s', (_name, make) => {
  it('goes through the proxy by CONNECT, and the server gets the request', async () => {
    const before = open.connects().length
    const fetchFn = make(via(open.url))
    const path = `/through-${Math.random().toString(36).slice(2)}`
    const response = await fetchFn(`http://127.0.0.1:${serverPort}${path}`, {
      method: 'PUT',
      body: 'backup bytes',
    })
    expect(await response.text()).toBe('stored')
    expect(received).toContain(`PUT ${path}`)
    expect(open.connects().slice(before)).toContain(`127.0.0.1:${serverPort}`)
  })

  it('goes directly when the route says so: no CONNECT at the proxy', async () => {
    const before = open.connects().length
    const path = `/direct-${Math.random().toString(36).slice(2)}`
    const response = await make(via(null))(`http://127.0.0.1:${serverPort}${path}`, {})
    expect(await response.text()).toBe('stored')
    expect(received).toContain(`GET ${path}`)
    expect(open.connects().length).toBe(before)
  })

  it('sends the user and password of the proxy URL (Proxy-Authorization)', async () => {
    const response = await make(via(withCredentials(guarded, PASSWORD)))(
      `http://127.0.0.1:${serverPort}/authorized`,
      {},
    )
    expect(await response.text()).toBe('stored')
    expect(guarded.connects()).toContain(`127.0.0.1:${serverPort}`)
  })

  it('a proxy nothing listens at: proxy_refused, "cannot be reached"', async () => {
    const proxy = `http://brewer:${PASSWORD}@127.0.0.1:${closedPort}`
    const fetchFn = make(via(proxy))
    const { code, message } = await rejection(fetchFn(`http://127.0.0.1:${serverPort}/x`, {}))
    expect(code).toBe('proxy_refused')
    expect(message).toContain(`The proxy 127.0.0.1:${closedPort} cannot be reached (ECONNREFUSED)`)
  })

  it('a CONNECT the proxy forbids (403): proxy_refused naming the proxy and the server', async () => {
    const fetchFn = make(via(open.url))
    const { code, message } = await rejection(fetchFn(`http://127.0.0.1:${notAllowedPort}/x`, {}))
    expect(code).toBe('proxy_refused')
    expect(message).toContain(
      `The proxy 127.0.0.1:${open.port} refused to connect to 127.0.0.1:${notAllowedPort}.`,
    )
  })

  it('a proxy that wants a password (407): proxy_auth_required, the password never shown', async () => {
    const fetchFn = make(via(withCredentials(guarded, 'wrong-password')))
    const { code, message } = await rejection(fetchFn(`http://127.0.0.1:${serverPort}/x`, {}))
    expect(code).toBe('proxy_auth_required')
    expect(message).toContain(`The proxy 127.0.0.1:${guarded.port} asked for a user name`)
    expect(message).not.toContain('wrong-password')
  })

  it('a CONNECT the proxy cannot make (server down): proxy_refused with its answer', async () => {
    const fetchFn = make(via(open.url))
    const { code, message } = await rejection(fetchFn(`http://127.0.0.1:${closedPort}/x`, {}))
    expect(code).toBe('proxy_refused')
    expect(message).toMatch(
      new RegExp(
        `The proxy 127\\.0\\.0\\.1:${open.port} could not connect to 127\\.0\\.0\\.1:${closedPort} \\(its answer: 5\\d\\d\\)`,
      ),
    )
  })
})

describe('the S3 client (its own transport, given the routed agents)', () => {
  const client = (route: ProxyRoute) =>
    s3Client(
      {
        endpoint: s3.endpoint,
        region: s3.region,
        bucket: s3.bucket,
        prefix: '',
        pathStyle: true,
        accessKeyId: s3.accessKeyId,
      },
      { secretAccessKey: S3_SECRET },
      routedAgents(route),
    )
  const list = () => new ListObjectsV2Command({ Bucket: s3.bucket })

  it('lists the bucket through the proxy', async () => {
    const before = open.connects().length
    const answer = await client(via(open.url)).send(list())
    expect(answer.$metadata.httpStatusCode).toBe(200)
    expect(open.connects().slice(before)).toContain(`127.0.0.1:${s3Port}`)
    expect(s3.requests.at(-1)).toMatchObject({ method: 'GET', bucket: s3.bucket })
  })

  it('a refusing proxy rejects with the AppError naming it', async () => {
    const requests = s3.requests.length
    const refused = await rejection(client(via(`http://127.0.0.1:${closedPort}`)).send(list()))
    expect(refused.code).toBe('proxy_refused')
    expect(refused.message).toContain(`127.0.0.1:${closedPort} cannot be reached`)
    const locked = await rejection(
      client(via(withCredentials(guarded, 'wrong-password'))).send(list()),
    )
    expect(locked.code).toBe('proxy_auth_required')
    expect(s3.requests.length).toBe(requests)
  })
})
