import { AppError } from '../../shared/app-error.ts'
import { PkceClient } from '../auth/pkce-client.ts'
import type { Provider, ProviderContext } from './provider.ts'

/**
 * An OAuth provider's sign-in client from its effective settings (Kasm's fields): what
 * `Provider.oauthClient` is for a public client whose settings say all there is to say.
 */
export function pkceClientFor(
  provider: Pick<Provider, 'id' | 'displayName'>,
  context: ProviderContext,
): PkceClient {
  const { settings } = context
  if (!settings.clientId) throw new AppError('provider_not_enabled')
  return new PkceClient(
    {
      id: provider.id,
      displayName: provider.displayName,
      clientId: settings.clientId,
      authorizationUrl: settings.authorizationUrl,
      authorizationUrlOptions: settings.authorizationUrlOptions,
      tokenUrl: settings.tokenUrl,
      scopes: settings.scopes,
    },
    context.fetch,
  )
}
