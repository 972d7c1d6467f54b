import type { ProviderId } from '../../shared/settings-schema.ts'

/** What the token endpoint hands back. Dropbox never rotates the refresh token on refresh. */
export interface TokenGrant {
  access_token: string
  refresh_token?: string
  expires_in?: number
}

/** The OAuth side of a provider: everything a sign-in and a token refresh need. */
export interface OAuthProvider {
  readonly id: ProviderId
  /** How the user knows the provider, in messages about the sign-in ("Google Drive did not …"). */
  readonly displayName: string
  authorizeUrl(request: { state: string; codeChallenge: string; redirectUri?: string }): string
  exchangeCode(request: {
    code: string
    codeVerifier: string
    redirectUri?: string
  }): Promise<TokenGrant>
  refresh(refreshToken: string): Promise<TokenGrant>
}
