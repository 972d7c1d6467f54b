import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startDropboxEmulator, type DropboxEmulator } from './index.ts'
import { APP_KEY, REDIRECT_URI, linkAccount, rpc } from './link-account.ts'

const SPACE = '/2/users/get_space_usage'

/** The emulator's clock, moved by hand: the window and the outage are read from it. */
let clock: { now: number }
let emulator: DropboxEmulator
let token: string
beforeEach(async () => {
  clock = { now: Date.UTC(2026, 11, 6, 10) }
  emulator = await startDropboxEmulator({
    appKey: APP_KEY,
    redirectUris: [REDIRECT_URI],
    now: () => clock.now,
  })
  token = (await linkAccount(emulator)).accessToken
})
afterEach(() => emulator.close())

async function statuses(count: number): Promise<number[]> {
  const answers: number[] = []
  for (let i = 0; i < count; i++) {
    const response = await rpc(emulator, SPACE, token)
    await response.arrayBuffer()
    answers.push(response.status)
  }
  return answers
}

describe('the app-wide rate limit', () => {
  it('serves N requests a second, refuses the rest with 429 too_many_requests and Retry-After', async () => {
    emulator.setRateLimit({ requestsPerSecond: 3 })
    expect(await statuses(3)).toEqual([200, 200, 200])
    const refused = await rpc(emulator, SPACE, token)
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('1')
    expect(await refused.json()).toEqual({
      error_summary: 'too_many_requests/..',
      error: { reason: { '.tag': 'too_many_requests' }, retry_after: 1 },
    })
    // Refusals take no room in the window: once it has moved on, all three are served again.
    clock.now += 1000
    expect(await statuses(4)).toEqual([200, 200, 200, 429])
  })

  it('counts every route and token together, and lifts when unset', async () => {
    const other = (await linkAccount(emulator)).accessToken
    emulator.setRateLimit({ requestsPerSecond: 1 })
    expect((await rpc(emulator, SPACE, token)).status).toBe(200)
    expect((await rpc(emulator, '/2/users/get_current_account', other)).status).toBe(429)
    emulator.setRateLimit(undefined)
    expect(await statuses(3)).toEqual([200, 200, 200])
  })

  it('refuses a limit that is not a positive whole number', () => {
    expect(() => emulator.setRateLimit({ requestsPerSecond: 0 })).toThrow(/positive integer/)
  })
})

describe('an outage', () => {
  it('answers 503 in plain text, without Retry-After, to everything until it ends', async () => {
    emulator.startOutage(60_000)
    const down = await rpc(emulator, SPACE, token)
    expect(down.status).toBe(503)
    expect(down.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(down.headers.get('retry-after')).toBeNull()
    expect((await fetch(`${emulator.url}/oauth2/token`, { method: 'POST' })).status).toBe(503)
    clock.now += 59_999
    expect(await statuses(1)).toEqual([503])
    clock.now += 1
    expect(await statuses(1)).toEqual([200])
  })

  it('records when each request arrived, by the emulator clock', async () => {
    const first = clock.now
    await statuses(1)
    clock.now += 2500
    await statuses(1)
    expect(emulator.requests.slice(-2).map((r) => r.receivedAt)).toEqual([first, first + 2500])
  })
})
