import * as oauth from 'oauth4webapi'
import { AppError, isAppError } from '../../shared/app-error.ts'
import type { ProviderId } from '../../shared/provider-settings.ts'
import { fetchWithRetry, type FetchFn } from '../net/fetch-with-retry.ts'
import type { OAuthProvider, TokenGrant } from './oauth-provider.ts'

/** Kasm's fields, resolved: what any authorization-code-with-PKCE provider needs. */
export interface PkceClientConfig {
  id: ProviderId
  displayName: string
  clientId: string
  /** Only for providers whose desktop clients carry one (it is not confidential there). */
  clientSecret?: string | null
  authorizationUrl: string
  /** Added to the authorization URL as query parameters, as Kasm does. */
  authorizationUrlOptions: Record<string, string>
  tokenUrl: string
  scopes: readonly string[]
}

/**
 * The authorization-code flow with PKCE (S256) for any provider, on oauth4webapi. A public
 * client unless the provider's desktop clients use a secret; no secret ever ships in the app.
 */
export class PkceClient implements OAuthProvider {
  readonly id: ProviderId
  readonly displayName: string
  private readonly config: PkceClientConfig
  private readonly as: oauth.AuthorizationServer
  private readonly client: oauth.Client
  private readonly clientAuth: oauth.ClientAuth
  private readonly options: oauth.TokenEndpointRequestOptions

  constructor(config: PkceClientConfig, fetchFn: FetchFn = fetch) {
    this.id = config.id
    this.displayName = config.displayName
    this.config = config
    this.as = {
      issuer: new URL(config.authorizationUrl).origin,
      authorization_endpoint: config.authorizationUrl,
      token_endpoint: config.tokenUrl,
    }
    this.client = { client_id: config.clientId }
    this.clientAuth = config.clientSecret
      ? oauth.ClientSecretPost(config.clientSecret)
      : oauth.None()
    this.options = {
      // Token requests are retried on 429/5xx; a lost answer is not retried, as a code is single-use.
      [oauth.customFetch]: (url, init) => fetchWithRetry(fetchFn, url, init as RequestInit),
      // Plain http passes settings validation only for loopback hosts (a local test server).
      [oauth.allowInsecureRequests]: config.tokenUrl.startsWith('http:'),
    }
  }

  authorizeUrl(request: { state: string; codeChallenge: string; redirectUri?: string }): string {
    const url = new URL(this.config.authorizationUrl)
    // The options come first, so they can never replace the parameters PKCE depends on.
    const params = {
      ...this.config.authorizationUrlOptions,
      client_id: this.config.clientId,
      response_type: 'code',
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256',
      scope: this.config.scopes.join(' '),
      state: request.state,
      ...(request.redirectUri ? { redirect_uri: request.redirectUri } : {}),
    }
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value)
    if (this.config.scopes.length === 0) url.searchParams.delete('scope')
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
    // The same redirect_uri as in the authorize request, or none at all for a pasted code.
    if (request.redirectUri) parameters.set('redirect_uri', request.redirectUri)
    try {
      const response = await oauth.genericTokenEndpointRequest(
        this.as,
        this.client,
        this.clientAuth,
        'authorization_code',
        parameters,
        this.options,
      )
      return await oauth.processGenericTokenEndpointResponse(this.as, this.client, response)
    } catch (error) {
      if (isOAuthError(error, 'invalid_grant'))
        throw new AppError(
          'invalid_code',
          `${this.config.displayName} refused the authorization code (mistyped, already used or expired).`,
          { cause: error },
        )
      throw this.asAppError(
        error,
        'provider_error',
        `${this.config.displayName} did not accept the sign-in.`,
      )
    }
  }

  async refresh(refreshToken: string): Promise<TokenGrant> {
    try {
      const response = await oauth.refreshTokenGrantRequest(
        this.as,
        this.client,
        this.clientAuth,
        refreshToken,
        this.options,
      )
      return await oauth.processRefreshTokenResponse(this.as, this.client, response)
    } catch (error) {
      if (isOAuthError(error, 'invalid_grant'))
        throw new AppError('needs_reauth', undefined, { cause: error })
      throw this.asAppError(error, 'token_refresh_failed')
    }
  }

  private asAppError(
    error: unknown,
    code: 'provider_error' | 'token_refresh_failed',
    detail?: string,
  ): AppError {
    if (isAppError(error)) return error
    const said =
      error instanceof oauth.ResponseBodyError
        ? ` (${this.config.displayName} said "${error.error}")`
        : ''
    return new AppError(code, detail ? detail + said : undefined, { cause: error })
  }
}

function isOAuthError(error: unknown, code: string): boolean {
  return error instanceof oauth.ResponseBodyError && error.error === code
}
