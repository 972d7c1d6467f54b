import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDropboxEmulator, type DropboxEmulator } from './index.ts'
import { APP_KEY, REDIRECT_URI, authorize, authorizeParams, pkcePair } from './link-account.ts'

const CUSTOM = 'fermentrack-backup://oauth/callback'
const WITH_QUERY = 'http://localhost:53683/cb?app=fbc'
const INVALID_REDIRECT =
  "Invalid redirect_uri. It must exactly match one of the redirect URIs you've pre-configured for your app (including the path)."

let emulator: DropboxEmulator
beforeAll(async () => {
  emulator = await startDropboxEmulator({
    appKey: APP_KEY,
    redirectUris: [REDIRECT_URI, CUSTOM, WITH_QUERY],
  })
})
afterAll(() => emulator.close())

function decoded(html: string): string {
  return html.replaceAll('&#39;', "'").replaceAll('&quot;', '"').replaceAll('&amp;', '&')
}

describe('GET /oauth2/authorize', () => {
  it('redirects with code and state to an exactly registered redirect_uri', async () => {
    const response = await authorize(emulator, authorizeParams(pkcePair().challenge))
    expect(response.status).toBe(302)
    const location = new URL(response.headers.get('location') ?? '')
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI)
    expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{40,}$/)
    expect(location.searchParams.get('state')).toBe('csrf-state')
    expect(emulator.lastAuthorizeParams?.get('code_challenge_method')).toBe('S256')
  })

  it.each([
    ['a trailing slash', 'http://127.0.0.1:53682/callback/'],
    ['localhost instead of 127.0.0.1', 'http://localhost:53682/callback'],
    ['another port', 'http://127.0.0.1:53699/callback'],
    ['https instead of http', 'https://127.0.0.1:53682/callback'],
    ['another path', 'http://127.0.0.1:53682/'],
  ])('shows a 400 page instead of redirecting for %s', async (_label, redirectUri) => {
    const response = await authorize(
      emulator,
      authorizeParams(pkcePair().challenge, { redirect_uri: redirectUri }),
    )
    expect(response.status).toBe(400)
    expect(response.headers.get('location')).toBeNull()
    expect(response.headers.get('content-type')).toMatch(/^text\/html/)
    expect(decoded(await response.text())).toContain(INVALID_REDIRECT)
  })

  it('keeps custom schemes and the registered query intact', async () => {
    const custom = await authorize(
      emulator,
      authorizeParams(pkcePair().challenge, { redirect_uri: CUSTOM }),
    )
    expect(custom.headers.get('location')).toMatch(
      /^fermentrack-backup:\/\/oauth\/callback\?code=[^&]+&state=csrf-state$/,
    )
    const query = await authorize(
      emulator,
      authorizeParams(pkcePair().challenge, { redirect_uri: WITH_QUERY }),
    )
    expect(query.headers.get('location')).toMatch(
      /^http:\/\/localhost:53683\/cb\?app=fbc&code=[^&]+&state=csrf-state$/,
    )
  })

  it('omits state when none was sent', async () => {
    const { state: _state, ...params } = authorizeParams(pkcePair().challenge)
    const response = await authorize(emulator, params)
    expect(new URL(response.headers.get('location') ?? '').searchParams.has('state')).toBe(false)
  })

  it('shows the code on a page when there is no redirect_uri', async () => {
    const { redirect_uri: _redirect, ...params } = authorizeParams(pkcePair().challenge)
    const response = await authorize(emulator, params)
    expect(response.status).toBe(200)
    expect(await response.text()).toMatch(/<code id="auth-code">[A-Za-z0-9_-]{40,}<\/code>/)
  })

  it('redirects with access_denied once after denyNextAuthorization', async () => {
    emulator.denyNextAuthorization()
    const denied = await authorize(emulator, authorizeParams(pkcePair().challenge))
    expect(denied.headers.get('location')).toBe(
      `${REDIRECT_URI}?error=access_denied&error_description=The+user+chose+not+to+give+your+app+access+to+their+Dropbox+account.&state=csrf-state`,
    )
    const next = await authorize(emulator, authorizeParams(pkcePair().challenge))
    expect(new URL(next.headers.get('location') ?? '').searchParams.has('code')).toBe(true)
  })

  it.each([
    ['an unknown client_id', { client_id: 'someone-else' }],
    ['response_type=token', { response_type: 'token' }],
    ['the plain challenge method', { code_challenge_method: 'plain' }],
    ['a challenge that is not S256-shaped', { code_challenge: 'short' }],
    ['an unknown token_access_type', { token_access_type: 'forever' }],
    ['a state over 500 bytes', { state: 'é'.repeat(251) }],
    ['a scope the app does not have', { scope: 'files.content.write team_data.member' }],
  ])('rejects %s with a 400 page', async (_label, override) => {
    const response = await authorize(emulator, authorizeParams(pkcePair().challenge, override))
    expect(response.status).toBe(400)
    expect(response.headers.get('location')).toBeNull()
  })

  it('rejects a missing code_challenge (no secret, so PKCE is mandatory)', async () => {
    const { code_challenge: _challenge, ...params } = authorizeParams(pkcePair().challenge)
    expect((await authorize(emulator, params)).status).toBe(400)
  })

  it('rejects a parameter given twice', async () => {
    const query = `${new URLSearchParams(authorizeParams(pkcePair().challenge))}&state=again`
    const response = await fetch(`${emulator.authorizeUrl}?${query}`, { redirect: 'manual' })
    expect(response.status).toBe(400)
  })
})
