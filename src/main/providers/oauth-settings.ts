import { AppError } from '../../shared/app-error.ts'
import { PkceClient } from '../auth/pkce-client.ts'
import type { Provider, ProviderContext, ProviderSettings } from './provider.ts'

/**
 * The PKCE client built from a provider's effective settings (Kasm's fields), the client secret
 * included where the provider's desktop clients carry one (the settings hold null otherwise).
 */
export function pkceClientFrom(
  provider: { id: PkceClient['id']; displayName: string },
  context: ProviderContext,
): PkceClient {
  const { settings } = context
  if (!settings.clientId) throw new AppError('provider_not_enabled')
  return new PkceClient(
    {
      id: provider.id,
      displayName: provider.displayName,
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      authorizationUrl: settings.authorizationUrl,
      authorizationUrlOptions: settings.authorizationUrlOptions,
      tokenUrl: settings.tokenUrl,
      scopes: settings.scopes,
    },
    context.fetch,
  )
}

/**
 * An endpoint from the environment (tests point them at an emulator) or its default. Tokens
 * must never travel in clear text: plain http is accepted only on this machine.
 */
export function endpointFromEnv(name: string, env: NodeJS.ProcessEnv, fallback: string): string {
  const value = env[name] || fallback
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new AppError('usage', `${name} is not a URL.`)
  }
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)
  if (url.protocol === 'https:' || (url.protocol === 'http:' && local)) return value
  throw new AppError('usage', `${name} must be an https URL (plain http only on 127.0.0.1).`)
}

/**
 * `isEnabled` for an OAuth provider: switched on, and a client id to sign in with. `missing`
 * says where that id comes from for this provider (an app key, an Entra registration …).
 */
export function clientIdRequired(name: string, missing: string): Provider['isEnabled'] {
  return (settings: ProviderSettings) => {
    if (!settings.enabled)
      return { enabled: false, reason: `${name} is switched off in its settings.` }
    if (!settings.clientId) return { enabled: false, reason: missing }
    return { enabled: true }
  }
}
