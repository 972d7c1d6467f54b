import { EventEmitter } from 'node:events'
import { createHash, randomBytes } from 'node:crypto'
import { AppError, isAppError } from '../../shared/app-error.ts'
import { LOCAL_DESTINATION_ID } from '../../shared/provider-settings.ts'
import type { Connection, ConnectionStatus, ProviderId } from '../../shared/settings-schema.ts'
import type { Logger } from '../log/logger.ts'
import type { FetchFn } from '../net/fetch-with-retry.ts'
import { envProxyRoute } from '../net/proxy-route.ts'
import { routedTransports, type Transports } from '../net/transports.ts'
import type {
  AccessTokens,
  AccountInfo,
  Credentials,
  Provider,
  ProviderContext,
  ProviderSettings,
} from '../providers/provider.ts'
import { defaultTargetOf } from '../providers/provider-settings.ts'
import { providerById } from '../providers/registry.ts'
import type { SecretStore } from '../secrets/secret-store.ts'
import type { SettingsStore } from '../store/settings-store.ts'
import type { ProviderConfig, ProviderInfo } from './provider-config.ts'
import type { RedirectReceiver } from './redirect-receiver.ts'
import { signIn } from './sign-in.ts'
import type { SignInStates } from './sign-in-states.ts'
import { TokenManager, tokensFromGrant } from './token-manager.ts'

export interface ConnectionServiceOptions {
  settings: SettingsStore
  providers: ProviderConfig
  /** Opened on first use, so commands that need no tokens work without a keychain. */
  secrets: () => Promise<SecretStore>
  states: SignInStates
  env: NodeJS.ProcessEnv
  log: Logger
  /** Tests substitute one fetch for every request. */
  fetch?: FetchFn
  /** Absent: on the route the environment's HTTPS_PROXY/NO_PROXY give. */
  transports?: Transports
  now?: () => number
}

export interface ConnectOptions {
  /** OAuth providers: where the browser's answer arrives. */
  receiver?: RedirectReceiver
  timeoutMs: number
  /** OAuth: the authorization URL; login-flow providers: the page to open. */
  onAuthorizeUrl: (url: string) => void | Promise<void>
  /** What the provider's connect fields ask for (server URL, user name, password …). */
  fields?: Record<string, string | boolean>
  signal?: AbortSignal
}

/** Connections: their sign-in, their credentials, their summary, and their end. */
/** `changed` fires with the whole list whenever a connection is added, changed or removed. */
export class ConnectionService extends EventEmitter<{ changed: [Connection[]] }> {
  private readonly options: ConnectionServiceOptions
  private readonly now: () => number
  private readonly tokenManagers = new Map<string, TokenManager>()
  private readonly transports: Transports

  constructor(options: ConnectionServiceOptions) {
    super()
    this.options = options
    this.now = options.now ?? Date.now
    this.transports = options.transports ?? routedTransports(envProxyRoute())
  }

  providers(): Promise<ProviderInfo[]> {
    return this.options.providers.list()
  }

  list(): Connection[] {
    return this.options.settings.get().connections
  }

  /** The local/NAS folder every backup is also copied to, if one is set (env wins). */
  localDestination(): string | null {
    return this.options.env.FTB_LOCAL_DESTINATION || this.options.settings.get().localDestination
  }

  /** Every destination a backup goes to: each connection, and the local folder if one is set. */
  destinations(): string[] {
    const ids = this.list().map((c) => c.id)
    return this.localDestination() ? [...ids, LOCAL_DESTINATION_ID] : ids
  }

  /** The provider a destination belongs to, if it is still known. */
  providerOf(id: string): ProviderId | undefined {
    if (id === LOCAL_DESTINATION_ID) return LOCAL_DESTINATION_ID
    return this.list().find((c) => c.id === id)?.provider
  }

  /** The remote folder new backups go to at this destination (its provider's default target). */
  targetOf(id: string): string {
    const provider = this.providerOf(id)
    const settings = this.options.settings.get()
    return defaultTargetOf(provider && settings.providers[provider], settings.remoteFolder)
  }

  /** Whether the destination can take uploads now (not waiting for a reconnect). */
  isReady(id: string): boolean {
    if (id === LOCAL_DESTINATION_ID) return this.localDestination() !== null
    return this.list().find((c) => c.id === id)?.status === 'connected'
  }

  get(id: string): Connection {
    const connection = this.list().find((c) => c.id === id)
    if (!connection) throw new AppError('connection_not_found', `No connection has the id "${id}".`)
    return connection
  }

  /**
   * Signs in (OAuth in the browser, a login flow) or checks what the user typed, against the
   * provider itself. Nothing is saved unless the provider accepted it.
   */
  async connect(providerId: string, options: ConnectOptions): Promise<Connection> {
    const { provider, settings } = await this.options.providers.enabled(providerId)
    if (provider.auth === 'none')
      throw new AppError(
        'unknown_provider',
        `${provider.displayName} needs no sign-in; it is set up with a folder.`,
      )
    const context = this.context(settings)
    const secrets = await this.options.secrets()
    const tokens =
      provider.auth === 'oauth-pkce' ? await this.signIn(provider, context, options) : undefined
    const connected = await provider.connect(
      {
        fields: options.fields ?? {},
        tokens: tokens && fixedTokens(tokens.access_token),
        onLoginUrl: options.onAuthorizeUrl,
        signal: options.signal,
      },
      context,
    )
    // Reconnecting the same account keeps its connection id, so its queued work resumes.
    const existing = this.list().find(
      (c) => c.provider === provider.id && c.account.id === connected.account.id,
    )
    const connection: Connection = {
      id: existing?.id ?? newConnectionId(provider.id),
      provider: provider.id,
      account: connected.account,
      created: existing?.created ?? new Date(this.now()).toISOString(),
      status: 'connected',
      space: connected.space,
      config: connected.config,
    }
    const secret = tokens ?? connected.secret
    if (secret) await secrets.set(connection.id, JSON.stringify(secret))
    // Uploaders hold this manager: it must drop the old tokens, not be replaced behind their back.
    this.tokenManagers.get(connection.id)?.forget()
    this.save(connection)
    this.options.log.info('connected', { connection: connection.id, provider: provider.id })
    return connection
  }

  /**
   * "Test connection": checks what the user typed against the provider exactly as `connect`
   * does, and saves nothing (no connection, no secret). Sign-ins have no such dry run: OAuth
   * and login flows prove themselves only by completing.
   */
  async test(providerId: string, fields: Record<string, string | boolean>): Promise<AccountInfo> {
    const { provider, settings } = await this.options.providers.enabled(providerId)
    if (provider.auth === 'oauth-pkce' || provider.auth === 'login-flow')
      throw new AppError(
        'usage',
        `${provider.displayName} is checked by signing in: use Connect instead.`,
      )
    const { account, space } = await provider.connect({ fields }, this.context(settings))
    return { account, space }
  }

  /** Reads the account and space use again; renews the token when needed. */
  async refresh(id: string): Promise<Connection> {
    const { provider, credentials, context } = await this.open(id)
    const { account, space } = await provider.account(credentials, context)
    this.save({ ...this.get(id), account, space, status: 'connected' })
    return this.get(id)
  }

  /**
   * Revokes the access at the provider, then forgets it here. The provider out of reach (offline,
   * an outage) does not keep the connection: it is removed here all the same, and the
   * `not_revoked` warning returned says where the user can revoke it by hand.
   */
  async disconnect(id: string): Promise<{ warning: AppError | null }> {
    const connection = this.get(id)
    const secrets = await this.options.secrets()
    let warning: AppError | null = null
    try {
      const { provider, credentials, context } = await this.open(id)
      await provider.disconnect(credentials, context)
    } catch (error) {
      // Access already revoked or expired is the end state we want.
      if (!isAppError(error, 'needs_reauth')) {
        warning = new AppError('not_revoked', undefined, { cause: error })
        this.options.log.warn('could not revoke the access', {
          connection: id,
          provider: connection.provider,
          error,
        })
      }
    }
    await secrets.delete(id)
    this.tokenManagers.delete(id)
    this.options.settings.update((s) => ({
      ...s,
      connections: s.connections.filter((c) => c.id !== id),
    }))
    this.emit('changed', this.list())
    this.options.log.info('disconnected', { connection: id, revoked: warning === null })
    return { warning }
  }

  /**
   * What the port needs to act for a connection: its provider, credentials and context. A
   * provider switched off later still serves its existing connections.
   */
  async open(id: string): Promise<OpenConnection> {
    if (id === LOCAL_DESTINATION_ID) return this.openLocal()
    const connection = this.get(id)
    const provider = providerById(connection.provider)
    if (!provider)
      throw new AppError('unknown_provider', `There is no provider "${connection.provider}".`)
    const context = this.context(await this.options.providers.settingsOf(provider))
    const secrets = await this.options.secrets()
    const oauth = provider.auth === 'oauth-pkce'
    const stored = oauth ? null : await secrets.get(id)
    const credentials: Credentials = {
      connectionId: id,
      config: connection.config,
      tokens: oauth ? await this.tokens(connection, provider, context) : null,
      secret: stored === null ? null : (JSON.parse(stored) as Record<string, string>),
      // A reconnect (here or in another process) since these were read is not a rejection.
      rejected: async () => {
        if ((await secrets.get(id)) === stored) this.markStatus(id, 'needs_reauth')
      },
    }
    return { provider, credentials, context, revision: revisionOf(connection.config, stored) }
  }

  /** The local folder is a destination the settings imply: no account, no secret. */
  private async openLocal() {
    const folder = this.localDestination()
    const provider = providerById(LOCAL_DESTINATION_ID)
    if (!folder || !provider)
      throw new AppError('no_destination', 'No local destination folder is set.')
    const credentials: Credentials = {
      connectionId: LOCAL_DESTINATION_ID,
      config: { folder },
      tokens: null,
      secret: null,
      rejected: async () => {},
    }
    return {
      provider,
      credentials,
      context: this.context(await this.options.providers.settingsOf(provider)),
      revision: revisionOf(credentials.config, null),
    }
  }

  private async signIn(provider: Provider, context: ProviderContext, options: ConnectOptions) {
    if (!provider.oauthClient || !options.receiver)
      throw new AppError('usage', `${provider.displayName} signs in through a browser redirect.`)
    const grant = await signIn({
      provider: provider.oauthClient(context),
      states: this.options.states,
      receiver: options.receiver,
      timeoutMs: options.timeoutMs,
      onAuthorizeUrl: options.onAuthorizeUrl,
      signal: options.signal,
    })
    return tokensFromGrant(grant, this.now(), undefined, provider.displayName)
  }

  private context(settings: ProviderSettings): ProviderContext {
    return {
      settings,
      env: this.options.env,
      fetch: this.options.fetch ?? this.transports.fetch,
      uploadFetch: this.options.fetch ?? this.transports.uploadFetch,
      agents: this.transports.agents,
      chunkSize: this.options.settings.get().chunkSize,
      parallelChunks: this.options.settings.get().parallelChunks,
      adaptiveChunks: this.options.settings.get().adaptiveChunkSize,
      now: this.now,
    }
  }

  private async tokens(
    connection: Connection,
    provider: Provider,
    context: ProviderContext,
  ): Promise<TokenManager> {
    const id = connection.id
    let manager = this.tokenManagers.get(id)
    if (!manager) {
      if (!provider.oauthClient) throw new AppError('provider_not_enabled')
      manager = new TokenManager({
        connectionId: id,
        secrets: await this.options.secrets(),
        provider: provider.oauthClient(context),
        onRevoked: async () => this.markStatus(id, 'needs_reauth'),
        onMissingPermission: async (scope) => this.markStatus(id, 'missing_permission', scope),
        now: this.now,
      })
      this.tokenManagers.set(id, manager)
    }
    return manager
  }

  /** The connection and its queued work are kept; reconnecting the account revives them. */
  private markStatus(id: string, status: ConnectionStatus, scope?: string): void {
    const connection = this.list().find((c) => c.id === id)
    // Gone (disconnected meanwhile) or already marked: nothing to write or announce.
    if (!connection || connection.status === status) return
    this.save({ ...connection, status })
    this.options.log.warn('connection cannot take uploads until reconnected', {
      connection: id,
      status,
      scope,
    })
  }

  private save(connection: Connection): void {
    this.options.settings.update((s) => ({
      ...s,
      connections: [...s.connections.filter((c) => c.id !== connection.id), connection],
    }))
    this.emit('changed', this.list())
  }
}

export interface OpenConnection {
  provider: Provider
  credentials: Credentials
  context: ProviderContext
  /**
   * Changes when what the credentials were built from changes (a reconnect with a new password,
   * another local folder), so a cached uploader is replaced. OAuth tokens are not part of it:
   * their TokenManager follows a reconnect by itself, and Dropbox needs one uploader per account.
   */
  revision: string
}

function revisionOf(config: Connection['config'], stored: string | null): string {
  return createHash('sha256')
    .update(JSON.stringify(config))
    .update('\0')
    .update(stored ?? '')
    .digest('hex')
}

/** The fresh tokens of a sign-in, for the provider's first look at the account. */
function fixedTokens(accessToken: string): AccessTokens {
  return {
    accessToken: async () => accessToken,
    renewAfterRejection: async () => accessToken,
    markRevoked: async () => {},
    markMissingPermission: async () => {},
  }
}

function newConnectionId(provider: ProviderId): string {
  return `${provider}-${randomBytes(6).toString('hex')}`
}
