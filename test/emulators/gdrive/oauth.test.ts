import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  authorizeUrl,
  CLIENT_ID,
  CLIENT_SECRET,
  pkce,
  REDIRECT,
  signIn,
  tokenRequest,
  api,
} from './emulator-client.ts'
import { startGdriveEmulator, type GdriveEmulator } from './index.ts'

let emulator: GdriveEmulator
beforeEach(async () => {
  emulator = await startGdriveEmulator({
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
  })
})
afterEach(() => emulator.close())

async function codeFor(challenge: string, extra: Record<string, string> = {}) {
  const response = await fetch(authorizeUrl(emulator, challenge, extra), { redirect: 'manual' })
  return {
    status: response.status,
    location: new URL(response.headers.get('location') ?? 'http://x/'),
  }
}

describe('gdrive emulator: OAuth for installed apps', () => {
  it('redirects to a loopback URI on any port with the code, the state and the scope', async () => {
    const { status, location } = await codeFor(pkce().challenge, {
      redirect_uri: 'http://127.0.0.1:51234/oauth/callback',
    })
    expect(status).toBe(302)
    expect(location.origin).toBe('http://127.0.0.1:51234')
    expect(location.searchParams.get('state')).toBe('st')
    expect(location.searchParams.get('code')).toBeTruthy()
  })

  it('refuses a custom scheme redirect with its error page', async () => {
    const response = await fetch(
      authorizeUrl(emulator, pkce().challenge, {
        redirect_uri: 'fermentrack-backup://oauth/callback',
      }),
      { redirect: 'manual' },
    )
    expect(response.status).toBe(400)
    expect(await response.text()).toContain('redirect_uri_mismatch')
  })

  it('refuses a plain challenge and an unknown scope back through the redirect', async () => {
    const plain = await codeFor(pkce().challenge, { code_challenge_method: 'plain' })
    expect(plain.location.searchParams.get('error')).toBe('invalid_request')
    const scope = await codeFor(pkce().challenge, { scope: 'https://example.com/everything' })
    expect(scope.location.searchParams.get('error')).toBe('invalid_scope')
  })

  it('checks the PKCE verifier, the client secret and the redirect URI, and a code works once', async () => {
    const { verifier, challenge } = pkce()
    const code = (await codeFor(challenge)).location.searchParams.get('code')!
    const base = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      client_id: CLIENT_ID,
    }
    const noSecret = await tokenRequest(emulator, { ...base, code_verifier: verifier })
    expect(noSecret).toMatchObject({ status: 401, body: { error: 'invalid_client' } })
    const wrongVerifier = await tokenRequest(emulator, {
      ...base,
      client_secret: CLIENT_SECRET,
      code_verifier: pkce().verifier,
    })
    expect(wrongVerifier).toMatchObject({ status: 400, body: { error: 'invalid_grant' } })
    // The failed attempt used the code up.
    const again = await tokenRequest(emulator, {
      ...base,
      client_secret: CLIENT_SECRET,
      code_verifier: verifier,
    })
    expect(again.body.error).toBe('invalid_grant')
  })

  it('gives a refresh token only for access_type=offline with prompt=consent', async () => {
    const { verifier, challenge } = pkce()
    const code = (await codeFor(challenge, { access_type: 'online' })).location.searchParams.get(
      'code',
    )!
    const { body } = await tokenRequest(emulator, {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    })
    expect(body.access_token).toBeTruthy()
    expect(body.refresh_token).toBeUndefined()
  })

  it('refreshes until revoked, then answers invalid_grant and refuses the access token (401)', async () => {
    const tokens = await signIn(emulator)
    const refresh = () =>
      tokenRequest(emulator, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refreshToken,
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      })
    const renewed = await refresh()
    expect(renewed.status).toBe(200)
    expect(renewed.body.refresh_token).toBeUndefined()
    const revoke = await fetch(emulator.revokeUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.refreshToken }),
    })
    expect(revoke.status).toBe(200)
    expect(await refresh()).toMatchObject({ status: 400, body: { error: 'invalid_grant' } })
    const about = await api(emulator, renewed.body.access_token!)('/drive/v3/about?fields=user')
    expect(about.status).toBe(401)
  })

  it('refuses an expired access token with 401 and a WWW-Authenticate header', async () => {
    const { accessToken } = await signIn(emulator)
    emulator.oauth.expireAccessTokens()
    const response = await api(emulator, accessToken)('/drive/v3/about?fields=user')
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toContain('invalid_token')
  })
})
