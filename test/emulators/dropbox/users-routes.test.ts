import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDropboxEmulator, type DropboxEmulator } from './index.ts'
import { APP_KEY, REDIRECT_URI, json, linkAccount, rpc, tokenRequest } from './link-account.ts'

const ACCOUNT = '/2/users/get_current_account'
const SPACE = '/2/users/get_space_usage'
const REVOKE = '/2/auth/token/revoke'

let emulator: DropboxEmulator
let clock = Date.now()
let token: string
beforeAll(async () => {
  emulator = await startDropboxEmulator({
    appKey: APP_KEY,
    redirectUris: [REDIRECT_URI],
    accessTokenTtlSeconds: 600,
    now: () => clock,
  })
  token = (await linkAccount(emulator)).accessToken
})
afterAll(() => emulator.close())

async function authError(response: Response): Promise<unknown> {
  expect(response.status).toBe(401)
  expect(response.headers.get('content-type')).toBe('application/json')
  return response.json()
}

describe('void-argument RPC routes', () => {
  it('accept no body and no Content-Type, or the JSON document null', async () => {
    const bare = await rpc(emulator, ACCOUNT, token)
    expect(bare.status).toBe(200)
    expect(await bare.json()).toMatchObject({
      account_id: expect.stringMatching(/^dbid:/),
      name: {
        given_name: 'Brewer',
        surname: 'Example',
        display_name: 'Brewer Example',
        abbreviated_name: 'BE',
      },
      email: 'brewer@example.com',
      account_type: { '.tag': 'basic' },
      disabled: false,
    })
    expect((await rpc(emulator, ACCOUNT, token, json(null))).status).toBe(200)
  })

  it.each([
    ['an empty object', json({})],
    ['an empty JSON body', { contentType: 'application/json', text: '' }],
    ['null sent as text/plain', { contentType: 'text/plain', text: 'null' }],
    ['a body without Content-Type', { text: 'null' }],
  ])('reject %s with a 400 plain-text error', async (_label, body) => {
    const response = await rpc(emulator, ACCOUNT, token, body)
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(await response.text()).toMatch(
      /^Error in call to API function "users\/get_current_account": /,
    )
  })

  it('reports space usage against the allocation', async () => {
    const response = await rpc(emulator, SPACE, token)
    expect(await response.json()).toEqual({
      used: 0,
      allocation: { '.tag': 'individual', allocated: 2 * 1024 ** 4 },
    })
  })

  it('refuses GET', async () => {
    const response = await fetch(`${emulator.url}${ACCOUNT}`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(response.status).toBe(405)
  })
})

describe('bearer authentication', () => {
  it('answers a missing or non-bearer Authorization with 400 text', async () => {
    const missing = await rpc(emulator, ACCOUNT, undefined)
    expect(missing.status).toBe(400)
    expect(await missing.text()).toContain('Must provide HTTP header "Authorization"')
    const basic = await fetch(`${emulator.url}${ACCOUNT}`, {
      method: 'POST',
      headers: { authorization: 'Basic abc' },
    })
    expect(basic.status).toBe(400)
  })

  it('answers an unknown token with 401 invalid_access_token', async () => {
    expect(await authError(await rpc(emulator, ACCOUNT, 'sl.nonsense'))).toEqual({
      error_summary: 'invalid_access_token/..',
      error: { '.tag': 'invalid_access_token' },
    })
  })

  it('expires tokens on demand and by the clock; a refresh works again', async () => {
    const linked = await linkAccount(emulator)
    emulator.expireAccessTokens()
    expect(await authError(await rpc(emulator, SPACE, linked.accessToken))).toEqual({
      error_summary: 'expired_access_token/..',
      error: { '.tag': 'expired_access_token' },
    })
    const refreshed = (await (
      await tokenRequest(emulator, {
        grant_type: 'refresh_token',
        refresh_token: linked.refreshToken ?? '',
        client_id: APP_KEY,
      })
    ).json()) as { access_token: string }
    expect((await rpc(emulator, SPACE, refreshed.access_token)).status).toBe(200)
    clock += 600 * 1000
    expect(await authError(await rpc(emulator, SPACE, refreshed.access_token))).toMatchObject({
      error: { '.tag': 'expired_access_token' },
    })
  })

  it('answers missing_scope when the grant lacks the route scope', async () => {
    const linked = await linkAccount(emulator, { scope: 'files.content.write' })
    expect(await authError(await rpc(emulator, ACCOUNT, linked.accessToken))).toEqual({
      error_summary: 'missing_scope/..',
      error: { '.tag': 'missing_scope', required_scope: 'account_info.read' },
    })
  })

  it('revokeAll turns every access token into invalid_access_token', async () => {
    const linked = await linkAccount(emulator)
    emulator.revokeAll()
    expect(await authError(await rpc(emulator, SPACE, linked.accessToken))).toMatchObject({
      error: { '.tag': 'invalid_access_token' },
    })
  })
})

describe('POST /2/auth/token/revoke', () => {
  it('revokes the token, its refresh token and every token minted from it', async () => {
    const linked = await linkAccount(emulator)
    const other = await linkAccount(emulator)
    const refresh = (): Promise<Response> =>
      tokenRequest(emulator, {
        grant_type: 'refresh_token',
        refresh_token: linked.refreshToken ?? '',
        client_id: APP_KEY,
      })
    const minted = ((await (await refresh()).json()) as { access_token: string }).access_token

    const revoked = await rpc(emulator, REVOKE, linked.accessToken)
    expect(revoked.status).toBe(200)
    expect(await revoked.text()).toBe('null')

    for (const dead of [linked.accessToken, minted]) {
      expect((await rpc(emulator, SPACE, dead)).status).toBe(401)
    }
    expect((await refresh()).status).toBe(400)
    expect((await rpc(emulator, SPACE, other.accessToken)).status).toBe(200)
  })
})
