import { createHash, randomBytes } from 'node:crypto'
import { AppError } from '../../../../src/shared/app-error.ts'
import type { AccessTokens } from '../../../../src/main/providers/dropbox/dropbox-api.ts'
import type { DropboxEndpoints } from '../../../../src/main/providers/dropbox/dropbox-config.ts'
import type { DropboxEmulator } from '../../../emulators/dropbox/index.ts'

/** What signing in needs of an emulator: where it is (also one in another process). */
type EmulatorAddress = Pick<DropboxEmulator, 'url' | 'authorizeUrl'>

export const APP_KEY = 'uploader-test-app'
export const REDIRECT_URI = 'http://127.0.0.1:53682/callback'

export function endpointsOf(emulator: DropboxEmulator): DropboxEndpoints {
  return { authorizeUrl: emulator.authorizeUrl, apiUrl: emulator.url, contentUrl: emulator.url }
}

/** Access tokens from the emulator's token endpoint, renewed with the refresh token on demand. */
export class EmulatorTokens implements AccessTokens {
  refreshes = 0
  revoked = false
  missingPermission: string | undefined
  private current: string
  private readonly refreshToken: string
  private readonly emulator: EmulatorAddress

  constructor(emulator: EmulatorAddress, accessToken: string, refreshToken: string) {
    this.emulator = emulator
    this.current = accessToken
    this.refreshToken = refreshToken
  }

  async accessToken(): Promise<string> {
    return this.current
  }

  async markRevoked(): Promise<void> {
    this.revoked = true
  }

  async markMissingPermission(_rejected: string, scope: string): Promise<void> {
    this.missingPermission = scope
  }

  async renewAfterRejection(rejected: string): Promise<string> {
    if (rejected !== this.current) return this.current
    this.refreshes += 1
    const response = await tokenRequest(this.emulator, {
      grant_type: 'refresh_token',
      refresh_token: this.refreshToken,
      client_id: APP_KEY,
    })
    if (response.status === 400) throw new AppError('needs_reauth')
    this.current = ((await response.json()) as { access_token: string }).access_token
    return this.current
  }
}

function tokenRequest(emulator: EmulatorAddress, form: Record<string, string>): Promise<Response> {
  return fetch(`${emulator.url}/oauth2/token`, { method: 'POST', body: new URLSearchParams(form) })
}

/** The PKCE authorization-code dance, done with plain fetch as a browser + client would. */
export async function linkAccount(emulator: EmulatorAddress): Promise<EmulatorTokens> {
  const grant = await linkGrant(emulator)
  return new EmulatorTokens(emulator, grant.access_token, grant.refresh_token)
}

export interface LinkGrant {
  access_token: string
  refresh_token: string
  expires_in: number
}

/** The token endpoint's answer to a fresh sign-in, as the app would receive it. */
export async function linkGrant(emulator: EmulatorAddress): Promise<LinkGrant> {
  const verifier = randomBytes(64).toString('base64url')
  const authorize = new URL(emulator.authorizeUrl)
  authorize.search = new URLSearchParams({
    client_id: APP_KEY,
    response_type: 'code',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    token_access_type: 'offline',
    redirect_uri: REDIRECT_URI,
    state: randomBytes(16).toString('hex'),
  }).toString()
  const redirect = await fetch(authorize, { redirect: 'manual' })
  const code = new URL(redirect.headers.get('location') ?? '').searchParams.get('code') ?? ''
  const response = await tokenRequest(emulator, {
    grant_type: 'authorization_code',
    code,
    client_id: APP_KEY,
    code_verifier: verifier,
    redirect_uri: REDIRECT_URI,
  })
  if (response.status !== 200) throw new Error(`token exchange failed: ${await response.text()}`)
  return (await response.json()) as LinkGrant
}
