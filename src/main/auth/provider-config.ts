import { AppError } from '../../shared/app-error.ts'
import {
  ProviderOverrides,
  type ProviderConfigureRequest,
  type ProviderId,
  type ProviderSettingsView,
} from '../../shared/provider-settings.ts'
import { BUILT_IN_CLIENT_IDS } from '../providers/built-in-keys.ts'
import type { Provider, ProviderSettings } from '../providers/provider.ts'
import { resolveProviderSettings } from '../providers/provider-settings.ts'
import { isProviderId, providerById, providerIds, providerName } from '../providers/registry.ts'
import type { SecretStore } from '../secrets/secret-store.ts'
import type { SettingsStore } from '../store/settings-store.ts'
import { SCHEME_REDIRECT_URI } from './callback-url.ts'
import { loopbackPort } from './loopback-receiver.ts'

/** The shape of Fermentrack's /api/cloud_storage/providers/, so the two tools speak alike. */
export interface ProviderInfo {
  provider_id: ProviderId
  display_name: string
  is_enabled: boolean
  /** Why not, in one sentence with the fix; null when enabled. */
  reason: string | null
}

export interface ProviderConfigOptions {
  settings: SettingsStore
  secrets: () => Promise<SecretStore>
  env: NodeJS.ProcessEnv
  /** Build-time client ids; tests pass their own. */
  builtIn?: Readonly<Record<string, string>>
  /** The README address that each provider's docsAnchor is appended to. */
  docsBase?: string
}

const COMING_SOON = 'Coming soon: this provider is not built yet.'

/** The secret-store account of a provider's client secret (connection ids never look like it). */
export function clientSecretAccount(id: ProviderId): string {
  return `provider:${id}:client_secret`
}

/** Kasm's per-provider settings: reading them with their defaults, changing and resetting them. */
export class ProviderConfig {
  private readonly options: ProviderConfigOptions

  constructor(options: ProviderConfigOptions) {
    this.options = options
  }

  /** Every provider, built or coming, with whether it can be used now. */
  async list(): Promise<ProviderInfo[]> {
    return Promise.all(
      providerIds().map(async (id) => {
        const provider = providerById(id)
        if (!provider) return info(id, false, COMING_SOON)
        const { enabled, reason } = provider.isEnabled(await this.settingsOf(provider))
        return info(id, enabled, enabled ? null : (reason ?? 'Not enabled.'))
      }),
    )
  }

  /** A provider that can be used now, with its effective settings; otherwise why not. */
  async enabled(id: string): Promise<{ provider: Provider; settings: ProviderSettings }> {
    const provider = this.built(id)
    const settings = await this.settingsOf(provider)
    const { enabled, reason } = provider.isEnabled(settings)
    if (!enabled) throw new AppError('provider_not_enabled', reason)
    return { provider, settings }
  }

  /** A built provider's effective settings, whether or not it is enabled. */
  async settingsOf(provider: Provider): Promise<ProviderSettings> {
    const { clientIdSource: _, ...settings } = await this.resolve(provider)
    return settings
  }

  async view(id: string): Promise<ProviderSettingsView> {
    if (!isProviderId(id)) throw unknown(id)
    const provider = providerById(id)
    if (!provider) return this.comingSoonView(id)
    const resolved = await this.resolve(provider)
    const { enabled, reason } = provider.isEnabled(resolved)
    const defaults = provider.oauthDefaults?.(this.options.env)
    return {
      provider_id: id,
      display_name: provider.displayName,
      auth: provider.auth,
      is_enabled: enabled,
      reason: enabled ? null : (reason ?? 'Not enabled.'),
      available: true,
      enabled: resolved.enabled,
      oauth: defaults
        ? {
            clientId: resolved.clientId,
            clientIdSource: resolved.clientIdSource,
            clientSecretSet: resolved.clientSecret !== null,
            usesClientSecret: defaults.usesClientSecret,
            authorizationUrl: resolved.authorizationUrl,
            authorizationUrlOptions: resolved.authorizationUrlOptions,
            tokenUrl: resolved.tokenUrl,
            redirectUris: resolved.redirectUris,
            scopes: resolved.scopes,
          }
        : null,
      defaultTarget: resolved.defaultTarget,
      docsUrl: this.docsUrl(provider.docsAnchor),
    }
  }

  async views(): Promise<ProviderSettingsView[]> {
    return Promise.all(providerIds().map((id) => this.view(id)))
  }

  /**
   * Checks the whole change first, then saves it: bad input changes nothing. OAuth fields on a
   * provider that signs in another way are refused rather than stored unused.
   */
  async configure(request: ProviderConfigureRequest): Promise<ProviderSettingsView> {
    const provider = this.built(request.provider)
    const changes = ProviderOverrides.safeParse(request.changes)
    if (!changes.success) throw invalid(changes.error.issues[0])
    const oauthOnly = Object.keys(changes.data).filter(
      (key) => key !== 'enabled' && key !== 'defaultTarget',
    )
    if (!provider.oauthDefaults && (oauthOnly.length > 0 || request.clientSecret !== undefined))
      throw new AppError(
        'invalid_setting',
        `${provider.displayName} does not sign in with OAuth: only "enabled" and "defaultTarget" apply.`,
      )
    if (request.clientSecret !== undefined)
      await this.saveClientSecret(provider.id, request.clientSecret)
    // Only a provider that uses a secret can have one stored: resetting Dropbox must not need
    // a keychain (a headless Pi has none).
    else if (request.reset && provider.oauthDefaults?.(this.options.env).usesClientSecret)
      await this.saveClientSecret(provider.id, '')
    this.options.settings.update((s) => {
      const providers = { ...s.providers }
      const kept = request.reset ? {} : (providers[provider.id] ?? {})
      const next = { ...kept, ...changes.data }
      if (Object.keys(next).length === 0) delete providers[provider.id]
      else providers[provider.id] = next
      return { ...s, providers }
    })
    return this.view(provider.id)
  }

  private async saveClientSecret(id: ProviderId, secret: string): Promise<void> {
    const store = await this.options.secrets()
    if (secret === '') await store.delete(clientSecretAccount(id))
    else await store.set(clientSecretAccount(id), secret)
  }

  private async resolve(provider: Provider) {
    const settings = this.options.settings.get()
    const usesSecret = provider.oauthDefaults?.(this.options.env).usesClientSecret ?? false
    // Only providers whose desktop clients use a secret open the keychain for it: listing
    // providers must work on a machine without one.
    const clientSecret = usesSecret
      ? await (await this.options.secrets()).get(clientSecretAccount(provider.id))
      : null
    return resolveProviderSettings(provider, {
      overrides: settings.providers[provider.id],
      env: this.options.env,
      builtIn: this.options.builtIn ?? BUILT_IN_CLIENT_IDS,
      clientSecret,
      redirectUris: this.redirectUris(provider),
      remoteFolder: settings.remoteFolder,
    })
  }

  /** What the user registers at the provider: only the redirects it accepts, as it accepts them. */
  private redirectUris(provider: Provider): string[] {
    const port = provider.anyLoopbackPort ? '<any port>' : loopbackPort(this.options.env)
    const uris = {
      scheme: SCHEME_REDIRECT_URI,
      loopback: `http://${provider.loopbackHost ?? '127.0.0.1'}:${port}/oauth/callback`,
    }
    const kinds = provider.redirects ?? ['scheme', 'loopback']
    return kinds.flatMap((kind) => (kind === 'manual' ? [] : [uris[kind]]))
  }

  private built(id: string): Provider {
    if (!isProviderId(id)) throw unknown(id)
    const provider = providerById(id)
    if (!provider) throw new AppError('provider_not_enabled', `${providerName(id)}: ${COMING_SOON}`)
    return provider
  }

  private comingSoonView(id: ProviderId): ProviderSettingsView {
    return {
      provider_id: id,
      display_name: providerName(id),
      auth: 'none',
      is_enabled: false,
      reason: COMING_SOON,
      available: false,
      enabled: false,
      oauth: null,
      defaultTarget: this.options.settings.get().remoteFolder,
      docsUrl: this.docsUrl('storage-providers'),
    }
  }

  private docsUrl(anchor: string): string {
    return `${this.options.docsBase ?? 'https://github.com/fermentrack-backup-companion/fermentrack-backup-companion'}#${anchor}`
  }
}

function info(id: ProviderId, enabled: boolean, reason: string | null): ProviderInfo {
  return { provider_id: id, display_name: providerName(id), is_enabled: enabled, reason }
}

function unknown(id: string): AppError {
  return new AppError('unknown_provider', `There is no provider "${id}".`)
}

function invalid(issue: { path: PropertyKey[]; message: string } | undefined): AppError {
  const field = issue?.path.map(String).join('.') || 'value'
  return new AppError(
    'invalid_setting',
    `${field} ${issue?.message ?? 'is not valid'}; nothing was changed.`,
  )
}
