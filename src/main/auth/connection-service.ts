import { EventEmitter } from 'node:events'
import { randomBytes } from 'node:crypto'
import { AppError, isAppError } from '../../shared/app-error.ts'
import type { Connection, ConnectionStatus, ProviderId } from '../../shared/settings-schema.ts'
import type { Logger } from '../log/logger.ts'
import type { FetchFn } from '../net/fetch-with-retry.ts'
import { DropboxApi } from '../providers/dropbox/dropbox-api.ts'
import { dropboxAppKey, dropboxEndpoints } from '../providers/dropbox/dropbox-config.ts'
import { DropboxOAuth } from '../providers/dropbox/dropbox-oauth.ts'
import { listProviders, type ProviderInfo } from '../providers/registry.ts'
import type { SecretStore } from '../secrets/secret-store.ts'
import type { SettingsStore } from '../store/settings-store.ts'
import type { RedirectReceiver } from './redirect-receiver.ts'
import { signIn } from './sign-in.ts'
import type { SignInStates } from './sign-in-states.ts'
import { TokenManager, tokensFromGrant } from './token-manager.ts'

export interface ConnectionServiceOptions {
  settings: SettingsStore
  /** Opened on first use, so commands that need no tokens work without a keychain. */
  secrets: () => Promise<SecretStore>
  states: SignInStates
  env: NodeJS.ProcessEnv
  log: Logger
  fetch?: FetchFn
  now?: () => number
}

export interface ConnectOptions {
  receiver: RedirectReceiver
  timeoutMs: number
  onAuthorizeUrl: (url: string) => void | Promise<void>
  signal?: AbortSignal
}

/** Connections: their sign-in, their tokens, their summary, and their end. */
/** `changed` fires with the whole list whenever a connection is added, changed or removed. */
export class ConnectionService extends EventEmitter<{ changed: [Connection[]] }> {
  private readonly options: ConnectionServiceOptions
  private readonly now: () => number
  private readonly tokenManagers = new Map<string, TokenManager>()

  constructor(options: ConnectionServiceOptions) {
    super()
    this.options = options
    this.now = options.now ?? Date.now
  }

  providers(): ProviderInfo[] {
    return listProviders(this.appKey())
  }

  list(): Connection[] {
    return this.options.settings.get().connections
  }

  get(id: string): Connection {
    const connection = this.list().find((c) => c.id === id)
    if (!connection) throw new AppError('connection_not_found', `No connection has the id "${id}".`)
    return connection
  }

  async connect(providerId: string, options: ConnectOptions): Promise<Connection> {
    const provider = this.providers().find((p) => p.provider_id === providerId)
    if (!provider) throw new AppError('unknown_provider', `There is no provider "${providerId}".`)
    if (providerId !== 'dropbox') {
      throw new AppError(
        'unknown_provider',
        `${provider.display_name} needs no sign-in; it is set up with a folder.`,
      )
    }
    const oauth = this.dropboxOAuth()
    const secrets = await this.options.secrets()
    const grant = await signIn({ provider: oauth, states: this.options.states, ...options })
    const tokens = tokensFromGrant(grant, this.now())
    const api = new DropboxApi(
      dropboxEndpoints(this.options.env),
      {
        accessToken: async () => tokens.access_token,
        renewAfterRejection: async () => tokens.access_token,
        markRevoked: async () => {},
        markMissingPermission: async () => {},
      },
      this.options.fetch,
    )
    const account = await api.currentAccount()
    const space = await api.spaceUsage()
    // Reconnecting the same account keeps its connection id, so its queued work resumes.
    const existing = this.list().find(
      (c) => c.provider === 'dropbox' && c.account.id === account.id,
    )
    const connection: Connection = {
      id: existing?.id ?? newConnectionId('dropbox'),
      provider: 'dropbox',
      account,
      created: existing?.created ?? new Date(this.now()).toISOString(),
      status: 'connected',
      space,
    }
    await secrets.set(connection.id, JSON.stringify(tokens))
    // Uploaders hold this manager: it must drop the old tokens, not be replaced behind their back.
    this.tokenManagers.get(connection.id)?.forget()
    this.save(connection)
    this.options.log.info('connected', { connection: connection.id, provider: 'dropbox' })
    return connection
  }

  /** Reads the account and space use again; renews the token when needed. */
  async refresh(id: string): Promise<Connection> {
    const api = await this.dropboxApi(id)
    const connection = {
      ...this.get(id),
      account: await api.currentAccount(),
      space: await api.spaceUsage(),
    }
    this.save({ ...connection, status: 'connected' })
    return this.get(id)
  }

  /**
   * Revokes the tokens at Dropbox, then forgets them here. Dropbox out of reach (offline, an
   * outage) does not keep the connection: it is removed here all the same, and the `not_revoked`
   * warning returned says where the user can revoke it by hand.
   */
  async disconnect(id: string): Promise<{ warning: AppError | null }> {
    this.get(id)
    const secrets = await this.options.secrets()
    let warning: AppError | null = null
    try {
      await (await this.dropboxApi(id)).revoke()
    } catch (error) {
      // Access already revoked or expired is the end state we want.
      if (!isAppError(error, 'needs_reauth')) {
        warning = new AppError('not_revoked', undefined, { cause: error })
        this.options.log.warn('could not revoke the Dropbox access', { connection: id, error })
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

  async dropboxApi(id: string): Promise<DropboxApi> {
    return new DropboxApi(
      dropboxEndpoints(this.options.env),
      await this.tokens(id),
      this.options.fetch,
    )
  }

  private async tokens(id: string): Promise<TokenManager> {
    const connection = this.get(id)
    let manager = this.tokenManagers.get(id)
    if (!manager) {
      manager = new TokenManager({
        connectionId: connection.id,
        secrets: await this.options.secrets(),
        provider: this.dropboxOAuth(),
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

  private appKey(): string | null {
    return dropboxAppKey(this.options.env, this.options.settings.get().dropboxAppKey)
  }

  private dropboxOAuth(): DropboxOAuth {
    const appKey = this.appKey()
    if (!appKey) throw new AppError('provider_not_enabled')
    return new DropboxOAuth(appKey, dropboxEndpoints(this.options.env), this.options.fetch)
  }
}

function newConnectionId(provider: ProviderId): string {
  return `${provider}-${randomBytes(6).toString('hex')}`
}
