import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchWithRetry } from '../../../src/main/net/fetch-with-retry.ts'
import { httpFetch } from '../../../src/main/net/http-fetch.ts'
import { isAppError } from '../../../src/shared/app-error.ts'

const MiB = 1024 * 1024

async function bodyLength(req: IncomingMessage): Promise<number> {
  let length = 0
  for await (const part of req) length += (part as Buffer).length
  return length
}

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void | Promise<void>> =
  {
    '/echo': async (req, res) => {
      const length = await bodyLength(req)
      res.setHeader('x-arg', req.headers['dropbox-api-arg'] ?? '')
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ length, contentLength: req.headers['content-length'] }))
    },
    // Answers at once and never reads the body.
    '/early': (_req, res) => {
      res.statusCode = 401
      res.end('{"error":"early"}')
    },
    '/slow': () => {},
    '/cut': (req, res) => {
      res.writeHead(200, { 'content-length': '100' })
      res.write('partial', () => req.socket.destroy())
    },
    '/empty': (_req, res) => {
      res.statusCode = 204
      res.end()
    },
  }

const server = createServer((req, res) => void routes[req.url ?? '']?.(req, res))
let base = ''
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => {
  server.closeAllConnections()
  server.close()
})

describe('httpFetch (fetch for upload requests, without copying the body)', () => {
  it('POSTs the bytes with their headers and answers with a Response', async () => {
    const body = Buffer.alloc(9 * MiB, 7)
    const response = await httpFetch(`${base}/echo`, {
      method: 'POST',
      headers: { 'Dropbox-API-Arg': '{"path":"/a"}' },
      body,
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-arg')).toBe('{"path":"/a"}')
    expect(await response.json()).toEqual({ length: body.length, contentLength: `${body.length}` })
  })

  it('streams a Node stream body with the content-length given, and fails with its error', async () => {
    const parts = [Buffer.alloc(3 * MiB, 1), Buffer.alloc(MiB + 5, 2)]
    const streamed = await httpFetch(`${base}/echo`, {
      method: 'PUT',
      headers: { 'content-length': String(4 * MiB + 5) },
      body: Readable.from(parts) as unknown as RequestInit['body'],
    })
    expect(await streamed.json()).toEqual({ length: 4 * MiB + 5, contentLength: `${4 * MiB + 5}` })
    const broken = new Readable({
      read() {
        this.destroy(new Error('disk read failed'))
      },
    })
    await expect(
      httpFetch(`${base}/echo`, {
        method: 'PUT',
        headers: { 'content-length': '10' },
        body: broken as unknown as RequestInit['body'],
      }),
    ).rejects.toThrow('disk read failed')
    await expect(
      httpFetch(`${base}/echo`, { method: 'PUT', body: Readable.from([]) as never }),
    ).rejects.toThrow(/content-length/)
  })

  it('sends an empty or a string body with its length', async () => {
    const none = await httpFetch(`${base}/echo`, { method: 'POST' })
    expect(await none.json()).toEqual({ length: 0, contentLength: '0' })
    const text = await httpFetch(`${base}/echo`, { method: 'POST', body: 'ünï' })
    expect(await text.json()).toEqual({ length: 5, contentLength: '5' })
  })

  it('takes an answer that comes before the body was read, and lets go of the body', async () => {
    const response = await httpFetch(`${base}/early`, {
      method: 'POST',
      body: Buffer.alloc(64 * MiB),
    })
    expect(response.status).toBe(401)
    expect(await response.text()).toBe('{"error":"early"}')
  })

  it('answers 204 with no body', async () => {
    const response = await httpFetch(`${base}/empty`, { method: 'POST' })
    expect(response.status).toBe(204)
    expect(await response.text()).toBe('')
  })

  it('rejects with the abort reason, promptly', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 50)
    const started = Date.now()
    const error = await httpFetch(`${base}/slow`, {
      method: 'POST',
      body: Buffer.alloc(MiB),
      signal: controller.signal,
    }).catch((e: unknown) => e)
    expect(error).toBe(controller.signal.reason)
    expect((error as Error).name).toBe('AbortError')
    expect(Date.now() - started).toBeLessThan(1000)
    const already = await httpFetch(`${base}/echo`, { signal: controller.signal }).catch((e) => e)
    expect(already).toBe(controller.signal.reason)
  })

  it('rejects an answer cut off mid-body, and fetchWithRetry maps it to a network error', async () => {
    await expect(httpFetch(`${base}/cut`, { method: 'POST' })).rejects.toThrow()
    const error = await fetchWithRetry(httpFetch, `${base}/cut`, { method: 'POST' }).catch(
      (e: unknown) => e,
    )
    expect(isAppError(error, 'network')).toBe(true)
  })

  it('rejects when nothing listens', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise((resolve) => closed.close(resolve))
    await expect(httpFetch(`http://127.0.0.1:${port}/`, { method: 'POST' })).rejects.toThrow()
  })
})
