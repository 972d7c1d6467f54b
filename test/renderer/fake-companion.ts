import type {
  HealthView,
  RetentionView,
  CommandInput,
  CommandName,
  CommandResult,
  EventName,
  EventPayload,
  WindowMemory,
} from '../../src/shared/ipc-contract.ts'
import type { ErrorCode } from '../../src/shared/error-codes.ts'
import type {
  BackupView,
  CompanionApi,
  Connection,
  JobView,
  RemovalView,
  ProviderSettingsView,
  ProviderView,
  SettingsView,
  StatusView,
} from '../../src/renderer/api-types.ts'
import { SettingsView as SettingsSchema } from '../../src/shared/ipc-contract.ts'
import { makeProviderSettings, makeProviders, makeSettings, makeStatus } from './fixtures.ts'

export interface FakeState {
  providers: ProviderView[]
  providerSettings: ProviderSettingsView[]
  /** Client secrets the window handed over, by provider: kept here, never answered with. */
  clientSecrets: Record<string, string>
  /** What the window asked main to copy. */
  clipboard: string[]
  connections: Connection[]
  settings: SettingsView
  status: StatusView
  active: JobView[]
  /** Newest first, as the engine keeps it. */
  history: JobView[]
  /** Files retention deleted that no upload of ours had put there, newest first. */
  removals: RemovalView[]
  /** What main keeps for the window between runs. */
  windowMemory: WindowMemory
  /** What the native folder picker "chooses"; null is Cancel. */
  chosenFolder: string | null
  retention: RetentionView
  health: HealthView
  /** Whether a ping URL is set: all main ever tells the window about it. */
  pingUrlSet: boolean
  /** What is wrong with settings.json after a hand edit; null when it reads fine. */
  settingsFileProblem: string | null
  /** The backups at every destination (each names its connectionId). */
  backups: BackupView[]
  /** Restores main was asked to show in the file manager, by id. */
  shownInFolder: number[]
}

type Handler<C extends CommandName> = (
  input: CommandInput<C>,
) => CommandResult<C> | Promise<CommandResult<C>>
type Handlers = { [C in CommandName]: Handler<C> }
type Listener = (payload: never) => void

export interface Call {
  command: CommandName
  input: unknown
}

/**
 * An in-memory window.companion for component tests. It is typed as the full CompanionApi, so a
 * command added to (or changed in) the contract breaks this file until the fake follows.
 */
export class FakeCompanion {
  readonly state: FakeState
  readonly calls: Call[] = []
  private readonly listeners = new Map<EventName, Set<Listener>>()
  private readonly overrides = new Map<CommandName, Handler<CommandName>>()
  private signIns = 0
  private nextJobId = 100_000
  /** Paths for dropped File objects; an empty string is what Electron gives for non-disk files. */
  pathForFile: (file: File) => string = (file) => `/home/pi/Downloads/${file.name}`

  constructor(state: Partial<FakeState> = {}) {
    this.state = {
      providers: makeProviders(),
      providerSettings: makeProviderSettings(),
      clientSecrets: {},
      clipboard: [],
      connections: [],
      settings: makeSettings(),
      status: makeStatus(),
      active: [],
      history: [],
      removals: [],
      chosenFolder: '/home/pi/chosen',
      windowMemory: { lastView: null, dismissedBanners: [] },
      retention: { retention: {}, overrides: {} },
      health: { alerts: [], lastBackupAt: null, checkedAt: 0 },
      pingUrlSet: false,
      settingsFileProblem: null,
      backups: [],
      shownInFolder: [],
      ...state,
    }
  }

  /** Replaces one command's answer. */
  respond<C extends CommandName>(command: C, handler: Handler<C>): void {
    this.overrides.set(command, handler as unknown as Handler<CommandName>)
  }

  /** What the fake answers by default, for an override that wraps it. */
  defaultAnswer<C extends CommandName>(
    command: C,
    input: CommandInput<C>,
  ): CommandResult<C> | Promise<CommandResult<C>> {
    return (this.defaults[command] as Handler<C>)(input)
  }

  /** Makes a command fail with an engine error. */
  fail(command: CommandName, code: ErrorCode, message: string): void {
    this.overrides.set(command, () => ({ ok: false, error: { code, message } }) as never)
  }

  callsTo<C extends CommandName>(command: C): CommandInput<C>[] {
    return this.calls.filter((c) => c.command === command).map((c) => c.input as CommandInput<C>)
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners.get(event) ?? [])
      (listener as (p: EventPayload<E>) => void)(payload)
  }

  listenerCount(event: EventName): number {
    return this.listeners.get(event)?.size ?? 0
  }

  readonly api: CompanionApi = {
    'providers.list': () => this.run('providers.list', undefined),
    'providers.settings': () => this.run('providers.settings', undefined),
    'providers.configure': (input) => this.run('providers.configure', input),
    'connections.list': () => this.run('connections.list', undefined),
    'connections.connect': (input) => this.run('connections.connect', input),
    'connections.test': (input) => this.run('connections.test', input),
    'connections.submitCode': (input) => this.run('connections.submitCode', input),
    'connections.cancelSignIn': (input) => this.run('connections.cancelSignIn', input),
    'connections.disconnect': (input) => this.run('connections.disconnect', input),
    'uploads.enqueue': (input) => this.run('uploads.enqueue', input),
    'uploads.active': () => this.run('uploads.active', undefined),
    'uploads.history': (input) => this.run('uploads.history', input),
    'uploads.retry': (input) => this.run('uploads.retry', input),
    'uploads.retryAllFailed': () => this.run('uploads.retryAllFailed', undefined),
    'uploads.cancel': (input) => this.run('uploads.cancel', input),
    'uploads.pause': (input) => this.run('uploads.pause', input),
    'uploads.resume': (input) => this.run('uploads.resume', input),
    'uploads.scanNow': () => this.run('uploads.scanNow', undefined),
    'status.get': () => this.run('status.get', undefined),
    'settings.get': () => this.run('settings.get', undefined),
    'settings.update': (input) => this.run('settings.update', input),
    'dialog.chooseFolder': () => this.run('dialog.chooseFolder', undefined),
    'app.openExternal': (input) => this.run('app.openExternal', input),
    'app.copyText': (input) => this.run('app.copyText', input),
    'window.memory': () => this.run('window.memory', undefined),
    'window.remember': (input) => this.run('window.remember', input),
    'retention.get': () => this.run('retention.get', undefined),
    'retention.preview': (input) => this.run('retention.preview', input),
    'retention.save': (input) => this.run('retention.save', input),
    'retention.pruneNow': (input) => this.run('retention.pruneNow', input),
    'health.get': () => this.run('health.get', undefined),
    'health.pingUrl': () => this.run('health.pingUrl', undefined),
    'health.setPingUrl': (input) => this.run('health.setPingUrl', input),
    'health.clearPingUrl': () => this.run('health.clearPingUrl', undefined),
    'settingsFile.get': () => this.run('settingsFile.get', undefined),
    'backups.list': (input) => this.run('backups.list', input),
    'backups.restore': (input) => this.run('backups.restore', input),
    'backups.cancelRestore': (input) => this.run('backups.cancelRestore', input),
    'backups.showInFolder': (input) => this.run('backups.showInFolder', input),
    on: (event, listener) => {
      const set = this.listeners.get(event) ?? new Set<Listener>()
      this.listeners.set(event, set)
      set.add(listener as Listener)
      return () => set.delete(listener as Listener)
    },
    pathForFile: (file) => this.pathForFile(file),
  }

  private async run<C extends CommandName>(
    command: C,
    input: CommandInput<C>,
  ): Promise<CommandResult<C>> {
    this.calls.push({ command, input })
    const handler = (this.overrides.get(command) ?? this.defaults[command]) as Handler<C>
    return structuredClone(await handler(input))
  }

  private readonly defaults: Handlers = {
    'providers.list': () => ok(this.state.providers),
    'providers.settings': () => ok(this.state.providerSettings),
    'providers.configure': ({ provider, changes, clientSecret, reset }) => {
      const view = this.state.providerSettings.find((v) => v.provider_id === provider)
      if (!view)
        return { ok: false, error: { code: 'unknown_provider', message: 'No such provider.' } }
      if (clientSecret !== undefined) this.state.clientSecrets[provider] = clientSecret
      const { enabled, defaultTarget, ...oauthChanges } = changes
      const defaults = makeProviderSettings().find((v) => v.provider_id === provider)
      if (reset) delete this.state.clientSecrets[provider]
      const next: ProviderSettingsView = reset
        ? { ...(defaults ?? view) }
        : {
            ...view,
            enabled: enabled ?? view.enabled,
            defaultTarget: defaultTarget ?? view.defaultTarget,
            oauth: view.oauth && {
              ...view.oauth,
              ...oauthChanges,
              clientIdSource: oauthChanges.clientId ? 'settings' : view.oauth.clientIdSource,
              clientSecretSet:
                clientSecret === undefined ? view.oauth.clientSecretSet : clientSecret !== '',
            },
          }
      // As the engine decides it: switched on, and an OAuth provider has its client id.
      next.is_enabled = next.enabled && (next.oauth === null || next.oauth.clientId !== null)
      next.reason = next.is_enabled ? null : view.reason
      this.state.providerSettings = this.state.providerSettings.map((v) =>
        v.provider_id === provider ? next : v,
      )
      return ok(next)
    },
    'connections.list': () => ok(this.state.connections),
    'connections.connect': ({ provider, redirect }) => {
      const signInId = `sign-in-${++this.signIns}`
      const kind = redirect ?? 'scheme'
      return ok({
        signInId,
        authorizeUrl: `https://www.dropbox.com/oauth2/authorize?client_id=key&state=${signInId}&redirect=${kind}&provider=${provider}`,
        connection: null,
      })
    },
    'connections.test': ({ fields }) =>
      ok({
        account: { id: 'u1', name: String(fields.username ?? 'tester'), email: '' },
        space: null,
      }),
    'connections.submitCode': () => ok(undefined),
    'connections.cancelSignIn': () => ok(undefined),
    'connections.disconnect': ({ id }) => {
      this.state.connections = this.state.connections.filter((c) => c.id !== id)
      this.emit('connections.changed', this.state.connections)
      return ok({ warning: null })
    },
    'uploads.enqueue': ({ paths, connectionId }) => {
      const targets = connectionId ? [connectionId] : this.state.connections.map((c) => c.id)
      const jobs = paths.flatMap((path) =>
        targets.map((target): JobView => ({
          id: this.nextJobId++,
          path,
          name: path.split('/').pop() ?? path,
          size: 1000,
          connectionId: target,
          state: 'queued',
          origin: 'manual',
          attempts: 0,
          bytesDone: 0,
          remotePath: null,
          contentHash: null,
          checksumAlgorithm: null,
          verifiedBy: null,
          renamed: false,
          error: null,
          queuedAt: Date.now(),
          startedAt: null,
          finishedAt: null,
          bytesPerSecond: null,
        })),
      )
      return ok(jobs)
    },
    'uploads.active': () => ok(this.state.active),
    'uploads.history': (query) => {
      const { status, text, connectionId } = query
      const limit = query.limit ?? 100
      const offset = query.offset ?? 0
      const matching = this.state.history.filter(
        (j) =>
          (!status || j.state === status) &&
          (!connectionId || j.connectionId === connectionId) &&
          (!text || j.name.includes(text) || (j.remotePath ?? '').includes(text)),
      )
      const page = { total: matching.length, jobs: matching.slice(offset, offset + limit) }
      // As main: deletions come with the first page only, and never under a status filter.
      if (status || offset) return ok(page)
      const removals = this.state.removals.filter(
        (r) =>
          (!connectionId || r.connectionId === connectionId) &&
          (!text || r.name.includes(text) || r.path.includes(text)),
      )
      return ok({ ...page, removals: removals.slice(0, limit) })
    },
    'uploads.retry': ({ jobId }) => {
      const job = this.state.history.find((j) => j.id === jobId)
      if (!job)
        return {
          ok: false,
          error: { code: 'job_not_found', message: 'No upload job has that id.' },
        }
      const queued: JobView = { ...job, state: 'queued', error: null }
      this.state.history = this.state.history.map((j) => (j.id === jobId ? queued : j))
      this.emit('uploads.job', queued)
      return ok([queued])
    },
    'uploads.retryAllFailed': () => {
      const failed = this.state.history.filter((j) => j.state === 'failed')
      const queued = failed.map((j): JobView => ({ ...j, state: 'queued', error: null }))
      return ok(queued)
    },
    'uploads.cancel': () => ok(undefined),
    'uploads.pause': ({ connectionId }) => {
      const scope = connectionId ?? '*'
      const paused = [...new Set([...this.state.status.paused, scope])]
      this.setStatus({ paused, tray: scope === '*' ? 'paused' : this.state.status.tray })
      return ok(undefined)
    },
    'uploads.resume': ({ connectionId }) => {
      const scope = connectionId ?? '*'
      const paused = this.state.status.paused.filter((p) => p !== scope)
      this.setStatus({ paused, tray: scope === '*' ? 'idle' : this.state.status.tray })
      return ok(undefined)
    },
    'uploads.scanNow': () => ok(undefined),
    'status.get': () => ok(this.state.status),
    'settings.get': () => ok(this.state.settings),
    'settings.update': (change) => {
      // Parsed as main parses it: defaults filled in (a source's destinations, say).
      this.state.settings = SettingsSchema.parse({ ...this.state.settings, ...change })
      this.emit('settings.changed', this.state.settings)
      return ok(this.state.settings)
    },
    'dialog.chooseFolder': () => ok(this.state.chosenFolder),
    'app.openExternal': () => ok(undefined),
    'app.copyText': ({ text }) => {
      this.state.clipboard.push(text)
      return ok(undefined)
    },
    'window.memory': () => ok(this.state.windowMemory),
    'window.remember': ({ lastView, dismissBanner }) => {
      const { windowMemory } = this.state
      this.state.windowMemory = {
        lastView: lastView ?? windowMemory.lastView,
        dismissedBanners: dismissBanner
          ? [...windowMemory.dismissedBanners, dismissBanner]
          : windowMemory.dismissedBanners,
      }
      return ok(this.state.windowMemory)
    },
    'retention.get': () => ok(this.state.retention),
    // An empty folder: tests that need backups in it answer with respond().
    'retention.preview': ({ connectionId, policy }) =>
      ok({
        connectionId,
        folder: '/Fermentrack Backups',
        on: Object.values(policy).some((n) => typeof n === 'number'),
        remove: [],
        keep: [],
        ignored: 0,
      }),
    'retention.save': ({ connectionId, policy }) => {
      const { retention, overrides } = this.state.retention
      const next = { ...overrides }
      if (connectionId && policy === null) delete next[connectionId]
      else if (connectionId) next[connectionId] = policy ?? {}
      this.state.retention = connectionId
        ? { retention, overrides: next }
        : { retention: policy ?? {}, overrides }
      this.emit('retention.changed', this.state.retention)
      return ok(this.state.retention)
    },
    // Tests that prune answer with respond(): what is left depends on the preview they gave.
    'retention.pruneNow': ({ connectionId, paths }) =>
      ok({
        removed: paths.length,
        preview: {
          connectionId,
          folder: '/Fermentrack Backups',
          on: true,
          remove: [],
          keep: [],
          ignored: 0,
        },
      }),
    'health.get': () => ok(this.state.health),
    'health.pingUrl': () => ok({ set: this.state.pingUrlSet }),
    'settingsFile.get': () => ok({ problem: this.state.settingsFileProblem }),
    // As main: only an http(s) URL is taken, and the answer never holds it.
    'health.setPingUrl': ({ url }) => {
      if (!/^https?:\/\/[^/]/.test(url.trim()))
        return {
          ok: false,
          error: {
            code: 'invalid_setting',
            message: 'The ping URL must be an http:// or https:// address.',
          },
        }
      this.state.pingUrlSet = true
      return ok({ set: true })
    },
    'health.clearPingUrl': () => {
      this.state.pingUrlSet = false
      return ok({ set: false })
    },
    'backups.list': ({ connectionId }) =>
      ok(this.state.backups.filter((b) => b.connectionId === connectionId)),
    // Restored at once into the chosen folder, verified; a test that needs progress overrides it.
    'backups.restore': ({ connectionId, name }) => {
      const backup = this.state.backups.find(
        (b) => b.connectionId === connectionId && b.name === name,
      )
      if (!backup)
        return { ok: false, error: { code: 'remote_not_found', message: 'No such backup.' } }
      if (this.state.chosenFolder === null) return ok({ outcome: 'cancelled' as const })
      return ok({
        outcome: 'restored' as const,
        restore: {
          restoreId: 1,
          connectionId,
          name,
          localPath: `${this.state.chosenFolder}/${name}`,
          size: backup.size,
          verified: true,
          verifiedBy: 'sha256 recorded at upload',
        },
      })
    },
    'backups.cancelRestore': () => ok(undefined),
    'backups.showInFolder': ({ restoreId }) => {
      this.state.shownInFolder.push(restoreId)
      return ok(undefined)
    },
  }

  setStatus(change: Partial<StatusView>): void {
    this.state.status = { ...this.state.status, ...change }
    this.emit('status.changed', this.state.status)
  }
}

function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value }
}
