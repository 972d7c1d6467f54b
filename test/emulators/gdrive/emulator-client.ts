import { createHash, randomBytes } from 'node:crypto'
import type { GdriveEmulator } from './server.ts'

/** Test-side helpers that play the browser and a raw HTTP client against the emulator. */
export const CLIENT_ID = 'test-client.apps.googleusercontent.com'
export const CLIENT_SECRET = 'GOCSPX-test-secret'
export const REDIRECT = 'http://127.0.0.1:40111/oauth/callback'

export function pkce() {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

export function authorizeUrl(
  emulator: GdriveEmulator,
  challenge: string,
  extra: Record<string, string> = {},
): string {
  const url = new URL(emulator.authorizeUrl)
  const params = {
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'https://www.googleapis.com/auth/drive.file',
    state: 'st',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    access_type: 'offline',
    prompt: 'consent',
    ...extra,
  }
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v)
  return url.href
}

export async function tokenRequest(emulator: GdriveEmulator, form: Record<string, string>) {
  const response = await fetch(emulator.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  })
  return { status: response.status, body: (await response.json()) as Record<string, string> }
}

/** A full sign-in: the tokens a client holds afterwards. */
export async function signIn(emulator: GdriveEmulator) {
  const { verifier, challenge } = pkce()
  const location = (
    await fetch(authorizeUrl(emulator, challenge), { redirect: 'manual' })
  ).headers.get('location')!
  const code = new URL(location).searchParams.get('code')!
  const { body } = await tokenRequest(emulator, {
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    redirect_uri: REDIRECT,
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
  })
  return { accessToken: body.access_token!, refreshToken: body.refresh_token! }
}

export function api(emulator: GdriveEmulator, accessToken: string) {
  return (path: string, init: RequestInit = {}) =>
    fetch(`${emulator.url}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${accessToken}`,
        ...(init.headers as Record<string, string>),
      },
    })
}
