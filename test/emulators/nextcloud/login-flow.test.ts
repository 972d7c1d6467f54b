import { afterEach, describe, expect, it } from 'vitest'
import { startNextcloudEmulator } from './index.ts'
import { LOGIN_FLOW_TTL_MS } from './login-flow.ts'
import type { NextcloudEmulator } from './types.ts'
import { signIn } from './test-client.ts'

let nc: NextcloudEmulator | undefined
afterEach(async () => nc?.close())

async function start(url: string) {
  return (await (await fetch(`${url}/index.php/login/v2`, { method: 'POST' })).json()) as {
    poll: { token: string; endpoint: string }
    login: string
  }
}

const poll = (endpoint: string, token: string) =>
  fetch(endpoint, { method: 'POST', body: new URLSearchParams({ token }) })

describe('Login Flow v2', () => {
  it('answers the poll 404 until granted, then 200 once with the credentials, then 404', async () => {
    nc = await startNextcloudEmulator()
    const flow = await start(nc.url)
    expect(flow.login).toMatch(new RegExp(`^${nc.url}/index.php/login/v2/flow/`))
    expect((await poll(flow.poll.endpoint, flow.poll.token)).status).toBe(404)
    nc.grantLogin(flow.login)
    const granted = await poll(flow.poll.endpoint, flow.poll.token)
    expect(granted.status).toBe(200)
    const body = (await granted.json()) as Record<string, string>
    expect(body).toEqual({
      server: nc.url,
      loginName: 'brewer@example.com',
      appPassword: expect.any(String),
    })
    expect(nc.activeAppPasswords()).toEqual([body.appPassword])
    expect((await poll(flow.poll.endpoint, flow.poll.token)).status).toBe(404)
  })

  it('forgets a flow after 20 minutes: the poll is 404 and it can no longer be granted', async () => {
    let clock = 1_000_000
    nc = await startNextcloudEmulator({ now: () => clock })
    const flow = await start(nc.url)
    clock += LOGIN_FLOW_TTL_MS + 1
    expect(() => nc!.grantLogin(flow.login)).toThrow(/no pending login/)
    expect((await poll(flow.poll.endpoint, flow.poll.token)).status).toBe(404)
  })
})

describe('OCS', () => {
  it('gives the user id for the app password, and refuses a call without OCS-APIRequest', async () => {
    nc = await startNextcloudEmulator({ quotaBytes: 1000 })
    const { auth } = await signIn(nc)
    const url = `${nc.url}/ocs/v1.php/cloud/user?format=json`
    expect((await fetch(url, { headers: { authorization: auth } })).status).toBe(401)
    const ok = await fetch(url, { headers: { authorization: auth, 'ocs-apirequest': 'true' } })
    expect(ok.status).toBe(200)
    const { ocs } = (await ok.json()) as {
      ocs: { meta: { statuscode: number }; data: { id: string } }
    }
    expect(ocs.meta.statuscode).toBe(100)
    expect(ocs.data).toMatchObject({ id: 'brewer', 'display-name': 'Brewer Example' })
  })

  it('refuses a wrong password with 401 and a Basic challenge', async () => {
    nc = await startNextcloudEmulator()
    await signIn(nc)
    const wrong = `Basic ${Buffer.from('brewer@example.com:nope').toString('base64')}`
    const res = await fetch(`${nc.url}/remote.php/dav/files/brewer/`, {
      method: 'PROPFIND',
      headers: { authorization: wrong },
    })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic /)
  })

  it('DELETE core/apppassword makes that app password stop working', async () => {
    nc = await startNextcloudEmulator()
    const { auth, dav, files } = await signIn(nc)
    const res = await fetch(`${nc.url}/ocs/v2.php/core/apppassword`, {
      method: 'DELETE',
      headers: { authorization: auth, 'ocs-apirequest': 'true' },
    })
    expect(res.status).toBe(200)
    expect(nc.activeAppPasswords()).toEqual([])
    expect((await dav('PROPFIND', `${files}/`, { depth: '0' })).status).toBe(401)
  })
})
