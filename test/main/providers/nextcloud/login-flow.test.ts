import { afterEach, describe, expect, it } from 'vitest'
import {
  loginFlow,
  LOGIN_FLOW_TIMEOUT_MS,
} from '../../../../src/main/providers/nextcloud/login-flow.ts'
import {
  startNextcloudEmulator,
  type NextcloudEmulator,
} from '../../../emulators/nextcloud/index.ts'

let nc: NextcloudEmulator | undefined
afterEach(async () => nc?.close())

const polls = (emulator: NextcloudEmulator) =>
  emulator.requests.filter((r) => r.path === '/index.php/login/v2/poll').length

describe('Login Flow v2 (client)', () => {
  it('stops polling when cancelled, with the reason it was cancelled for', async () => {
    nc = await startNextcloudEmulator()
    const cancel = new AbortController()
    const reason = new Error('cancelled by the user')
    const flow = loginFlow(nc.url, {
      fetch,
      now: Date.now,
      signal: cancel.signal,
      onLoginUrl: () => cancel.abort(reason),
    })
    await expect(flow).rejects.toBe(reason)
    const seen = polls(nc)
    expect(seen).toBeLessThanOrEqual(1)
    expect(nc.activeAppPasswords()).toEqual([])
  })

  it('gives up when the 20 minutes of a login flow have passed without a grant', async () => {
    nc = await startNextcloudEmulator()
    let clock = 0
    const flow = loginFlow(nc.url, {
      fetch,
      now: () => clock,
      onLoginUrl: () => void (clock += LOGIN_FLOW_TIMEOUT_MS),
    })
    await expect(flow).rejects.toMatchObject({ code: 'redirect_timeout' })
    expect(polls(nc)).toBe(1)
  })

  it('refuses a server that does not start a login flow, in one line', async () => {
    nc = await startNextcloudEmulator()
    await expect(
      loginFlow(`${nc.url}/not-nextcloud`, { fetch, now: Date.now }),
    ).rejects.toMatchObject({
      code: 'connection_test_failed',
    })
  })
})
