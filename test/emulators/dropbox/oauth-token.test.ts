import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDropboxEmulator, type DropboxEmulator } from './index.ts'
import {
  APP_KEY,
  REDIRECT_URI,
  authorize,
  authorizeParams,
  codeFrom,
  linkAccount,
  pkcePair,
  rpc,
  tokenRequest,
} from './link-account.ts'

let emulator: DropboxEmulator
let clock = Date.now()
beforeAll(async () => {
  emulator = await startDropboxEmulator({
    appKey: APP_KEY,
    redirectUris: [REDIRECT_URI],
    now: () => clock,
  })
})
afterAll(() => emulator.close())

async function freshCode(
  extra: Record<string, string> = {},
): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = pkcePair()
  return { code: codeFrom(await authorize(emulator, authorizeParams(challenge, extra))), verifier }
}

function exchange(
  code: string,
  verifier: string,
  extra: Record<string, string> = {},
): Promise<Response> {
  return tokenRequest(emulator, {
    grant_type: 'authorization_code',
    code,
    client_id: APP_KEY,
    code_verifier: verifier,
    redirect_uri: REDIRECT_URI,
    ...extra,
  })
}

async function oauthError(response: Response): Promise<string> {
  expect(response.status).toBe(400)
  return ((await response.json()) as { error: string }).error
}

const account = (token: string): Promise<Response> =>
  rpc(emulator, '/2/users/get_current_account', token)

describe('POST /oauth2/token, authorization_code', () => {
  it('exchanges a code with the matching verifier for offline tokens', async () => {
    const { code, verifier } = await freshCode()
    const response = await exchange(code, verifier)
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = (await response.json()) as Record<string, unknown>
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 14400, uid: '12345678' })
    expect(body.account_id).toMatch(/^dbid:/)
    expect(body.scope).toBe(
      'account_info.read files.content.read files.content.write files.metadata.read files.metadata.write',
    )
    expect(typeof body.refresh_token).toBe('string')
    expect(emulator.issuedSecrets()).toEqual(
      expect.arrayContaining([code, body.access_token, body.refresh_token]),
    )
  })

  it('issues no refresh token for online access', async () => {
    const { code, verifier } = await freshCode({ token_access_type: 'online' })
    const body = (await (await exchange(code, verifier)).json()) as Record<string, unknown>
    expect(body.refresh_token).toBeUndefined()
  })

  it('rejects a verifier that does not hash to the challenge', async () => {
    const { code } = await freshCode()
    expect(await oauthError(await exchange(code, pkcePair().verifier))).toBe('invalid_grant')
  })

  it('rejects a malformed verifier as invalid_request', async () => {
    const { code } = await freshCode()
    expect(await oauthError(await exchange(code, 'too-short'))).toBe('invalid_request')
  })

  it('requires the same redirect_uri as authorize, byte for byte', async () => {
    const { code, verifier } = await freshCode()
    expect(
      await oauthError(await exchange(code, verifier, { redirect_uri: `${REDIRECT_URI}/` })),
    ).toBe('invalid_grant')
    const { redirect_uri: _omit, ...withoutRedirect } = {
      grant_type: 'authorization_code',
      code,
      client_id: APP_KEY,
      code_verifier: verifier,
      redirect_uri: REDIRECT_URI,
    }
    expect(await oauthError(await tokenRequest(emulator, withoutRedirect))).toBe('invalid_grant')
  })

  it('rejects a redirect_uri at exchange when authorize had none', async () => {
    const { verifier, challenge } = pkcePair()
    const { redirect_uri: _omit, ...params } = authorizeParams(challenge)
    const page = await (await authorize(emulator, params)).text()
    const code = /<code id="auth-code">([^<]+)<\/code>/.exec(page)?.[1] ?? ''
    expect(await oauthError(await exchange(code, verifier))).toBe('invalid_grant')
    const ok = await tokenRequest(emulator, {
      grant_type: 'authorization_code',
      code,
      client_id: APP_KEY,
      code_verifier: verifier,
    })
    expect(ok.status).toBe(200)
  })

  it('accepts a code once and revokes its tokens when it is replayed', async () => {
    const { code, verifier } = await freshCode()
    const first = (await (await exchange(code, verifier)).json()) as { access_token: string }
    expect((await account(first.access_token)).status).toBe(200)
    expect(await oauthError(await exchange(code, verifier))).toBe('invalid_grant')
    expect((await account(first.access_token)).status).toBe(401)
  })

  it('expires codes after 10 minutes', async () => {
    const { code, verifier } = await freshCode()
    clock += 10 * 60 * 1000 + 1
    expect(await oauthError(await exchange(code, verifier))).toBe('invalid_grant')
  })

  it.each([
    ['a wrong client_id', { client_id: 'other' }, 'invalid_client'],
    ['a client_secret (public client)', { client_secret: 'guess' }, 'invalid_client'],
    ['an unknown grant_type', { grant_type: 'password' }, 'unsupported_grant_type'],
    ['a missing code', { code: '' }, 'invalid_request'],
    ['a missing client_id', { client_id: '' }, 'invalid_request'],
  ])('rejects %s', async (_label, override, error) => {
    const { code, verifier } = await freshCode()
    expect(await oauthError(await exchange(code, verifier, override))).toBe(error)
  })

  it('requires a form body, not JSON or the URL query', async () => {
    const { code, verifier } = await freshCode()
    const form = {
      grant_type: 'authorization_code',
      code,
      client_id: APP_KEY,
      code_verifier: verifier,
      redirect_uri: REDIRECT_URI,
    }
    const asJson = await fetch(`${emulator.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(form),
    })
    expect(await oauthError(asJson)).toBe('invalid_request')
    const inQuery = await fetch(`${emulator.url}/oauth2/token?${new URLSearchParams(form)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    })
    expect(await oauthError(inQuery)).toBe('invalid_request')
    expect((await exchange(code, verifier)).status).toBe(200)
  })
})

describe('POST /oauth2/token, refresh_token', () => {
  it('mints a new access token and never a new refresh token', async () => {
    const linked = await linkAccount(emulator)
    const response = await tokenRequest(emulator, {
      grant_type: 'refresh_token',
      refresh_token: linked.refreshToken ?? '',
      client_id: APP_KEY,
    })
    expect(response.status).toBe(200)
    const body = (await response.json()) as Record<string, unknown>
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'token_type'])
    expect(body.access_token).not.toBe(linked.accessToken)
    expect((await account(String(body.access_token))).status).toBe(200)
  })

  it('answers invalid_grant for unknown and revoked refresh tokens', async () => {
    const linked = await linkAccount(emulator)
    const refresh = (token: string): Promise<Response> =>
      tokenRequest(emulator, {
        grant_type: 'refresh_token',
        refresh_token: token,
        client_id: APP_KEY,
      })
    expect(await oauthError(await refresh('not-a-token'))).toBe('invalid_grant')
    emulator.revokeAll()
    expect(await oauthError(await refresh(linked.refreshToken ?? ''))).toBe('invalid_grant')
  })
})
