import { createHash, randomBytes } from 'node:crypto'
import type { DropboxEmulator } from './index.ts'

/** Shared by the emulator's own tests: raw-fetch OAuth steps, no app code involved. */
export const APP_KEY = 'emulator-test-app-key'
export const REDIRECT_URI = 'http://127.0.0.1:53682/callback'

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(96).toString('base64url').slice(0, 128)
  const challenge = createHash('sha256').update(verifier).digest('base64url')
  return { verifier, challenge }
}

export function authorizeParams(
  challenge: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    client_id: APP_KEY,
    response_type: 'code',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    token_access_type: 'offline',
    redirect_uri: REDIRECT_URI,
    state: 'csrf-state',
    ...extra,
  }
}

export function authorize(
  emulator: DropboxEmulator,
  params: Record<string, string>,
): Promise<Response> {
  return fetch(`${emulator.authorizeUrl}?${new URLSearchParams(params)}`, { redirect: 'manual' })
}

export function tokenRequest(
  emulator: DropboxEmulator,
  form: Record<string, string>,
): Promise<Response> {
  return fetch(`${emulator.url}/oauth2/token`, { method: 'POST', body: new URLSearchParams(form) })
}

/** The code from a 302 to the redirect URI. */
export function codeFrom(response: Response): string {
  const location = response.headers.get('location') ?? ''
  return new URL(location).searchParams.get('code') ?? ''
}

export interface Linked {
  accessToken: string
  refreshToken: string | undefined
  verifier: string
}

/** Runs authorize + code exchange like a correct client would. */
export async function linkAccount(
  emulator: DropboxEmulator,
  extra: Record<string, string> = {},
): Promise<Linked> {
  const { verifier, challenge } = pkcePair()
  const params = authorizeParams(challenge, extra)
  const code = codeFrom(await authorize(emulator, params))
  const response = await tokenRequest(emulator, {
    grant_type: 'authorization_code',
    code,
    client_id: APP_KEY,
    code_verifier: verifier,
    ...(params.redirect_uri === undefined ? {} : { redirect_uri: params.redirect_uri }),
  })
  if (response.status !== 200) throw new Error(`token exchange failed: ${await response.text()}`)
  const body = (await response.json()) as { access_token: string; refresh_token?: string }
  return { accessToken: body.access_token, refreshToken: body.refresh_token, verifier }
}

/** POST an RPC route; `body` undefined sends no body and no Content-Type, like the JS SDK. */
export function rpc(
  emulator: DropboxEmulator,
  path: string,
  token: string | undefined,
  body?: { contentType?: string; text: string },
): Promise<Response> {
  const headers: Record<string, string> = {}
  if (token !== undefined) headers.authorization = `Bearer ${token}`
  if (body?.contentType) headers['content-type'] = body.contentType
  return fetch(`${emulator.url}${path}`, { method: 'POST', headers, body: body?.text })
}

export function json(value: unknown): { contentType: string; text: string } {
  return { contentType: 'application/json', text: JSON.stringify(value) }
}
