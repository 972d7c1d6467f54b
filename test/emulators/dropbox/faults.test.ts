import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDropboxEmulator, type DropboxEmulator } from './index.ts'
import { APP_KEY, REDIRECT_URI, json, linkAccount, rpc } from './link-account.ts'

const SPACE = '/2/users/get_space_usage'
const REVOKE = '/2/auth/token/revoke'

let emulator: DropboxEmulator
let token: string
beforeAll(async () => {
  emulator = await startDropboxEmulator({ appKey: APP_KEY, redirectUris: [REDIRECT_URI] })
  token = (await linkAccount(emulator)).accessToken
})
afterAll(() => emulator.close())

describe('injectFault', () => {
  it('answers 5xx in plain text for the next N requests on the path, then recovers', async () => {
    emulator.injectFault(SPACE, { kind: 'status', status: 503 }, 2)
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await rpc(emulator, SPACE, token)
      expect(response.status).toBe(503)
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/)
    }
    expect((await rpc(emulator, SPACE, token)).status).toBe(200)
  })

  it('answers 429 with Retry-After and a JSON RateLimitError', async () => {
    emulator.injectFault(SPACE, { kind: 'rate_limit', retryAfter: 7, body: 'json' })
    const response = await rpc(emulator, SPACE, token)
    expect(response.status).toBe(429)
    expect(response.headers.get('retry-after')).toBe('7')
    expect(await response.json()).toEqual({
      error_summary: 'too_many_requests/..',
      error: { reason: { '.tag': 'too_many_requests' }, retry_after: 7 },
    })
  })

  it('answers 429 in plain text and with too_many_write_operations', async () => {
    emulator.injectFault(SPACE, { kind: 'rate_limit', retryAfter: 1, body: 'text' })
    emulator.injectFault(SPACE, {
      kind: 'rate_limit',
      retryAfter: 2,
      body: 'json',
      reason: 'too_many_write_operations',
    })
    const text = await rpc(emulator, SPACE, token)
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/)
    const write = await rpc(emulator, SPACE, token)
    expect(await write.json()).toMatchObject({
      error: { reason: { '.tag': 'too_many_write_operations' }, retry_after: 2 },
    })
  })

  it("'*' applies to the next request on any path", async () => {
    emulator.injectFault('*', { kind: 'status', status: 500 })
    expect((await fetch(`${emulator.url}/oauth2/token`, { method: 'POST' })).status).toBe(500)
    expect((await rpc(emulator, SPACE, token)).status).toBe(200)
  })

  it('reset_mid_body destroys the connection and applies nothing', async () => {
    const linked = await linkAccount(emulator)
    emulator.injectFault(REVOKE, { kind: 'reset_mid_body' })
    await expect(rpc(emulator, REVOKE, linked.accessToken, json(null))).rejects.toThrow()
    expect(emulator.requests.at(-1)).toMatchObject({ path: REVOKE, status: 0 })
    expect((await rpc(emulator, SPACE, linked.accessToken)).status).toBe(200)
  })

  it('drop_response applies the request but never answers', async () => {
    const linked = await linkAccount(emulator)
    emulator.injectFault(REVOKE, { kind: 'drop_response' })
    await expect(rpc(emulator, REVOKE, linked.accessToken)).rejects.toThrow()
    expect((await rpc(emulator, SPACE, linked.accessToken)).status).toBe(401)
  })

  it('clearFaults forgets what was injected and not yet met', async () => {
    emulator.injectFault(SPACE, { kind: 'status', status: 503 }, 2)
    expect((await rpc(emulator, SPACE, token)).status).toBe(503)
    emulator.clearFaults()
    expect((await rpc(emulator, SPACE, token)).status).toBe(200)
  })

  it('delay answers normally, later', async () => {
    emulator.injectFault(SPACE, { kind: 'delay', ms: 150 })
    const started = performance.now()
    expect((await rpc(emulator, SPACE, token)).status).toBe(200)
    expect(performance.now() - started).toBeGreaterThanOrEqual(140)
  })

  it('refuses commit faults on routes that do not commit', () => {
    expect(() => emulator.injectFault(SPACE, { kind: 'insufficient_space' })).toThrow(/upload/)
  })

  it('records every request with its status and body size', async () => {
    const before = emulator.count(SPACE)
    await rpc(emulator, SPACE, token, json(null))
    expect(emulator.count(SPACE)).toBe(before + 1)
    expect(emulator.requests.at(-1)).toEqual({
      method: 'POST',
      path: SPACE,
      receivedAt: expect.any(Number),
      status: 200,
      bodyBytes: 4,
    })
  })
})
