import type { ProviderOverrides } from '../../shared/provider-settings.ts'
import type { Provider, ProviderSettings } from './provider.ts'

export interface SettingsSources {
  /** What the user changed (settings.json), only what differs from the defaults. */
  overrides: ProviderOverrides | undefined
  env: NodeJS.ProcessEnv
  /** Client ids baked in at build time (FTB_BUILTIN_<PROVIDER>_CLIENT_ID …), by provider id. */
  builtIn: Readonly<Record<string, string>>
  /** From the secret store, for providers whose desktop clients use one. */
  clientSecret: string | null
  redirectUris: string[]
  /** The app-wide remote folder, when the provider has no default target of its own. */
  remoteFolder: string
}

/** Where a provider's backups go: its own Default Target, else the app-wide remote folder. */
export function defaultTargetOf(
  overrides: ProviderOverrides | undefined,
  remoteFolder: string,
): string {
  return overrides?.defaultTarget ?? remoteFolder
}

export type ClientIdSource = 'settings' | 'environment' | 'built-in' | 'none'

/**
 * A provider's effective settings. The client id comes from the environment at run time (as
 * DROPBOX_APP_KEY always did: connections made with it keep renewing after the upgrade), else
 * the settings, else the key built into this release.
 */
export function resolveProviderSettings(
  provider: Provider,
  sources: SettingsSources,
): ProviderSettings & { clientIdSource: ClientIdSource } {
  const o = sources.overrides ?? {}
  const defaults = provider.oauthDefaults?.(sources.env)
  const fromEnv = defaults?.clientIdEnv.map((name) => sources.env[name]?.trim()).find(Boolean)
  const builtIn = sources.builtIn[provider.id]?.trim() || undefined
  const clientId = fromEnv ?? o.clientId ?? builtIn ?? null
  return {
    enabled: o.enabled ?? true,
    clientId,
    clientIdSource: fromEnv
      ? 'environment'
      : o.clientId
        ? 'settings'
        : builtIn
          ? 'built-in'
          : 'none',
    clientSecret: sources.clientSecret,
    authorizationUrl: o.authorizationUrl ?? defaults?.authorizationUrl ?? '',
    authorizationUrlOptions: o.authorizationUrlOptions ?? defaults?.authorizationUrlOptions ?? {},
    tokenUrl: o.tokenUrl ?? defaults?.tokenUrl ?? '',
    scopes: o.scopes ?? [...(defaults?.scopes ?? [])],
    redirectUris: defaults ? sources.redirectUris : [],
    defaultTarget: defaultTargetOf(o, sources.remoteFolder),
  }
}
