import * as oauth from 'oauth4webapi'
import { AppError, isAppError } from '../../../shared/app-error.ts'
import type { OAuthProvider, TokenGrant } from '../../auth/oauth-provider.ts'
import { fetchWithRetry, type FetchFn } from '../../net/fetch-with-retry.ts'
import { DROPBOX_SCOPES, type DropboxEndpoints } from './dropbox-config.ts'

/** Dropbox's authorization-code flow with PKCE (S256) as a public client: no secret is shipped. */
export class DropboxOAuth implements OAuthProvider {
  readonly id = 'dropbox'
  private readonly as: oauth.AuthorizationServer
  private readonly client: oauth.Client
  private readonly options: oauth.TokenEndpointRequestOptions

  constructor(appKey: string, endpoints: DropboxEndpoints, fetchFn: FetchFn = fetch) {
    this.as = {
      issuer: 'https://www.dropbox.com',
      authorization_endpoint: endpoints.authorizeUrl,
      token_endpoint: `${endpoints.apiUrl}/oauth2/token`,
    }
    this.client = { client_id: appKey, token_endpoint_auth_method: 'none' }
    this.options = {
      // Token requests are retried on 429/5xx; a lost answer is not retried, as a code is single-use.
      [oauth.customFetch]: (url, init) => fetchWithRetry(fetchFn, url, init as RequestInit),
      // Plain http is only ever configured for the local test emulator (see dropbox-config.ts).
      [oauth.allowInsecureRequests]: this.as.token_endpoint!.startsWith('http:'),
    }
  }

  authorizeUrl(request: { state: string; codeChallenge: string; redirectUri?: string }): string {
    const url = new URL(this.as.authorization_endpoint!)
    const params = {
      client_id: this.client.client_id,
      response_type: 'code',
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256',
      // offline: without it there is no refresh token and the connection dies after ~4 hours.
      token_access_type: 'offline',
      scope: DROPBOX_SCOPES.join(' '),
      state: request.state,
      ...(request.redirectUri ? { redirect_uri: request.redirectUri } : {}),
    }
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value)
    return url.href
  }

  async exchangeCode(request: {
    code: string
    codeVerifier: string
    redirectUri?: string
  }): Promise<TokenGrant> {
    const parameters = new URLSearchParams({
      code: request.code,
      code_verifier: request.codeVerifier,
    })
    // The same redirect_uri as in the authorize request, or none at all for the pasted code.
    if (request.redirectUri) parameters.set('redirect_uri', request.redirectUri)
    try {
      const response = await oauth.genericTokenEndpointRequest(
        this.as,
        this.client,
        oauth.None(),
        'authorization_code',
        parameters,
        this.options,
      )
      return await oauth.processGenericTokenEndpointResponse(this.as, this.client, response)
    } catch (error) {
      if (isOAuthError(error, 'invalid_grant'))
        throw new AppError('invalid_code', undefined, { cause: error })
      throw asAppError(error, 'provider_error', 'Dropbox did not accept the sign-in.')
    }
  }

  async refresh(refreshToken: string): Promise<TokenGrant> {
    try {
      const response = await oauth.refreshTokenGrantRequest(
        this.as,
        this.client,
        oauth.None(),
        refreshToken,
        this.options,
      )
      return await oauth.processRefreshTokenResponse(this.as, this.client, response)
    } catch (error) {
      if (isOAuthError(error, 'invalid_grant'))
        throw new AppError('needs_reauth', undefined, { cause: error })
      throw asAppError(error, 'token_refresh_failed')
    }
  }
}

function isOAuthError(error: unknown, code: string): boolean {
  return error instanceof oauth.ResponseBodyError && error.error === code
}

function asAppError(
  error: unknown,
  code: 'provider_error' | 'token_refresh_failed',
  detail?: string,
) {
  if (isAppError(error)) return error
  const reason = error instanceof oauth.ResponseBodyError ? ` (Dropbox said "${error.error}")` : ''
  return new AppError(code, detail ? detail + reason : undefined, { cause: error })
}
