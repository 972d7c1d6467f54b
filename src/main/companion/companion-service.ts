import { EventEmitter } from 'node:events'
import { isDeepStrictEqual } from 'node:util'
import { AppError, isAppError } from '../../shared/app-error.ts'
import {
  commands,
  type CommandName,
  type CommandOutput,
  type CommandResult,
  type EventName,
  type EventPayload,
  type JobView,
  type SettingsView,
  type WindowMemoryChange,
} from '../../shared/ipc-contract.ts'
import type { ProviderConfigureRequest } from '../../shared/provider-settings.ts'
import type { Settings, Source } from '../../shared/settings-schema.ts'
import { sourceProblem } from '../../shared/source-check.ts'
import type { RedirectKind } from '../auth/redirect-receiver.ts'
import type { Engine } from '../engine.ts'
import type { FolderWatch } from '../watch/folder-watcher.ts'
import { WatchSummary } from './watch-summary.ts'
import type { Job } from '../uploads/job-types.ts'
import { sourceFileAt } from '../uploads/source-file.ts'
import { downloadsFolder } from '../restore/downloads-folder.ts'
import { CloudRestores, type RestoreShell } from './cloud-restores.ts'
import { EventThrottle } from './event-throttle.ts'
import { toJobView, toRemovalView } from './job-view.ts'
import { isHttpUrl } from '../health/health-ping.ts'
import { HealthMonitor } from './health-monitor.ts'
import { FOLDER_SETTINGS, FolderPathCheck } from './path-check.ts'
import { providerViews } from './provider-views.ts'
import { RetentionEditor, type RetentionSave } from './retention-editor.ts'
import { StatusTracker } from './status-tracker.ts'
import { SettingsFileFollower } from './settings-file-follower.ts'
import { ProcessWindowMemory, type WindowMemoryStore } from './window-memory.ts'
import { WindowSignIns } from './window-sign-ins.ts'

export interface CompanionOptions {
  engine: Engine
  env: NodeJS.ProcessEnv
  /** The redirect a window sign-in uses unless it asks for one (scheme in an installed app). */
  defaultRedirect: RedirectKind
  /** The way to the system browser, behind its allow-list (the shell's ExternalLinks). */
  links: BrowserLinks
  chooseFolder: () => Promise<string | null>
  copyText: (text: string) => Promise<void>
  /** The restore's folder picker and "Show in folder". */
  restoreShell: RestoreShell
  /** Kept on disk by the desktop shell; for the process only when absent. */
  windowMemory?: WindowMemoryStore
}

export interface BrowserLinks {
  /** Opens a sign-in page: an OAuth authorization URL, or a login flow's page. */
  openBrowser(url: string): Promise<void>
  /** Opens an allow-listed page (the documentation). */
  openExternal(url: string): Promise<void>
  /** Lets a login-flow server's login page open until the returned function is called. */
  allowLoginPage(url: string): () => void
}

type ConnectInput = {
  provider: string
  redirect?: RedirectKind
  fields?: Record<string, string | boolean>
}

type Handlers = { [C in CommandName]: (input: never) => Promise<CommandOutput<C>> }
type Emitted = { event: [EventName, unknown] }

/** Progress reaches the window at most ten times a second per job. */
const PROGRESS_INTERVAL_MS = 100
const SPACE_REFRESH_DELAY_MS = 1000
const SPACE_REFRESH_INTERVAL_MS = 60_000

/**
 * The engine behind the IPC contract: one handler per command, and the contract's events. The
 * Electron shell registers these with ipcMain; the browser E2E bridge serves them over a socket.
 */
export class CompanionService extends EventEmitter<Emitted> {
  private readonly options: CompanionOptions
  private readonly engine: Engine
  private readonly status: StatusTracker
  private readonly signIns: WindowSignIns
  private readonly progress: EventThrottle<EventPayload<'uploads.progress'>>
  private readonly folders: FolderPathCheck
  private readonly health: HealthMonitor
  private readonly retention: RetentionEditor
  private readonly restores: CloudRestores
  private watch: FolderWatch | undefined
  private readonly settingsFile: SettingsFileFollower
  private readonly watchSummary = new WatchSummary()
  private readonly spaceRefresh = new Map<string, NodeJS.Timeout>()
  private readonly windowMemory: WindowMemoryStore

  constructor(options: CompanionOptions) {
    super()
    this.options = options
    this.windowMemory = options.windowMemory ?? new ProcessWindowMemory()
    this.engine = options.engine
    this.status = new StatusTracker(this.engine.uploads.store)
    this.signIns = new WindowSignIns(this.engine.connections, this.engine.home, options.env)
    this.progress = new EventThrottle(PROGRESS_INTERVAL_MS, (p) => this.send('uploads.progress', p))
    this.folders = new FolderPathCheck(this.engine.home)
    this.health = new HealthMonitor({ engine: this.engine })
    this.health.on('changed', (view) => this.send('health.changed', view))
    this.retention = new RetentionEditor(this.engine)
    this.restores = new CloudRestores({
      backups: this.engine.backups,
      shell: options.restoreShell,
      defaultFolder: downloadsFolder(options.env),
      onProgress: (p) => this.send('backups.restoreProgress', p),
      log: this.engine.log,
    })
    this.engine.connections.on('changed', (list) => {
      this.send('connections.changed', list)
      // The tray shows a connection waiting for a reconnect (signed out, a missing permission).
      this.sendStatus()
    })
    this.engine.uploads.on('job', (job) => {
      this.status.onJob(job)
      if (job.state === 'done') this.refreshSpaceSoon(job.connectionId)
      // A finished upload may end a silence (or, failing for good, start one).
      if (job.state === 'done' || job.state === 'failed') void this.health.refresh()
      if (job.state !== 'uploading' && job.state !== 'verifying') this.progress.end(job.id)
      this.send('uploads.job', this.jobView(job))
      this.sendStatus()
    })
    this.engine.uploads.on('storage', (failure) => {
      this.status.onStorage(failure?.toPayload() ?? null)
      this.sendStatus()
    })
    this.engine.uploads.on('progress', (job, p) =>
      this.progress.push(job.id, { jobId: job.id, ...p, etaSeconds: p.etaSeconds ?? null }),
    )
    this.settingsFile = new SettingsFileFollower(this.engine, {
      problemChanged: (problem) => this.send('settingsFile.changed', { problem }),
      editedOutside: (next, previous) => this.settingsEditedOutside(next, previous),
    })
  }

  /** Runs the queue, watches the configured folder, and reads each account's space afresh. */
  async start(): Promise<void> {
    await this.engine.uploads.process()
    this.restartWatch()
    for (const connection of this.engine.connections.list()) this.refreshSpaceSoon(connection.id)
    this.health.start()
    // The weekly restore check (`verifySchedule`): it looks at the setting each time it is due.
    this.engine.verify.schedule.start()
    // A bad hand edit is shown in the window until the file is fixed; the window keeps showing
    // the settings in effect.
    this.settingsFile.start()
  }

  async stop(): Promise<void> {
    this.restores.stop()
    for (const timer of this.spaceRefresh.values()) clearTimeout(timer)
    this.health.stop()
    await this.settingsFile.stop()
    await this.watch?.close()
    await this.engine.close()
  }

  /** Validates the input against the contract, runs the command, and never throws. */
  async invoke<C extends CommandName>(command: C, input: unknown): Promise<CommandResult<C>> {
    const spec = commands[command]
    const parsed = spec.input.safeParse(input)
    if (!parsed.success) {
      // The contract holds the settings' own rules, so a bad setting is named here, key and rule.
      const issue = parsed.error.issues[0]
      const detail = `Invalid input for ${command}: "${issue?.path.join('.')}" ${issue?.message}.`
      const setting = command === 'settings.update' || command === 'providers.configure'
      const code = setting ? 'invalid_setting' : 'invalid_request'
      return { ok: false, error: new AppError(code, detail).toPayload() }
    }
    try {
      const handler = this.handlers[command] as (input: unknown) => Promise<CommandOutput<C>>
      return { ok: true, value: await handler(parsed.data) }
    } catch (error) {
      const appError = isAppError(error) ? error : new AppError('provider_error')
      if (!isAppError(error)) this.engine.log.error('command failed', { command, error })
      return { ok: false, error: appError.toPayload() }
    }
  }

  currentStatus() {
    return this.status.view(this.engine.uploads.activeJobs().length, this.engine.connections.list())
  }

  private readonly handlers: Handlers = {
    'providers.list': async () => providerViews(this.engine.providers),
    'connections.list': async () => this.engine.connections.list(),
    'providers.settings': async () => this.engine.providers.views(),
    'providers.configure': async (request: ProviderConfigureRequest) => {
      const view = await this.engine.providers.configure(request)
      this.send('providers.changed', await providerViews(this.engine.providers))
      return view
    },
    'connections.connect': (request: ConnectInput) => this.connect(request),
    'connections.test': ({ provider, fields }: Required<Omit<ConnectInput, 'redirect'>>) =>
      this.engine.connections.test(provider, fields),
    'connections.submitCode': ({ signInId, code }: { signInId: string; code: string }) =>
      this.signIns.submitCode(signInId, code),
    'connections.cancelSignIn': async ({ signInId }: { signInId: string }) =>
      this.signIns.cancel(signInId),
    'connections.disconnect': async ({ id }: { id: string }) => {
      const { warning } = await this.engine.disconnect(id)
      return { warning: warning?.toPayload() ?? null }
    },
    'uploads.enqueue': async ({
      paths,
      connectionId,
    }: {
      paths: string[]
      connectionId?: string
    }) => {
      const files = await Promise.all(paths.map(droppedFile))
      const jobs = this.engine.uploads.offer(files, 'manual', connectionId)
      await this.engine.uploads.nudge()
      return jobs.map((job) => this.jobView(job))
    },
    'uploads.active': async () => this.engine.uploads.activeJobs().map((job) => this.jobView(job)),
    'uploads.history': async (query: Parameters<Engine['uploads']['history']>[0]) => {
      const { jobs, total } = this.engine.uploads.history(query)
      const view = { total, jobs: jobs.map((job) => this.jobView(job)) }
      // Deletions are not jobs: they come with the first page, and not under a status filter.
      if (query.status || query.offset) return view
      const { connectionId, text, limit } = query
      const { removals } = this.engine.uploads.removals({
        connectionId,
        text,
        limit,
        foreignOnly: true,
      })
      return { ...view, removals: removals.map(toRemovalView) }
    },
    'uploads.retry': async ({ jobId }: { jobId: number }) =>
      (await this.engine.uploads.retry(jobId)).map((job) => this.jobView(job)),
    'uploads.retryAllFailed': async () =>
      (await this.engine.uploads.retry('all-failed')).map((job) => this.jobView(job)),
    'uploads.cancel': async ({ jobId }: { jobId: number }) => this.engine.uploads.cancel(jobId),
    'uploads.pause': async ({ connectionId }: { connectionId?: string }) => {
      await this.engine.uploads.pause(connectionId)
      this.sendStatus()
    },
    'uploads.resume': async ({ connectionId }: { connectionId?: string }) => {
      await this.engine.uploads.resume(connectionId)
      this.sendStatus()
    },
    'uploads.scanNow': async () => this.restartWatch(),
    'status.get': async () => this.currentStatus(),
    'settings.get': async () => this.settingsView(),
    'settings.update': async (change: Partial<SettingsView>) => {
      const before = this.engine.settings.get()
      // Checked before anything is applied: a refused folder changes no setting at all.
      for (const key of FOLDER_SETTINGS) {
        if (change[key] !== undefined) await this.folders.check(key, change[key], before[key])
      }
      if (change.sources) {
        checkSourceList(change.sources)
        await this.folders.checkSources(change.sources, before.sources)
      }
      this.engine.settings.update((s) => ({ ...s, ...change }))
      if (change.sources || change.patterns) this.restartWatch()
      const view = this.settingsView()
      this.send('settings.changed', view)
      void this.engine.uploads.nudge()
      if (before.localDestination !== view.localDestination) this.sendStatus()
      void this.health.refresh()
      return view
    },
    'dialog.chooseFolder': async () => this.folders.remember(await this.options.chooseFolder()),
    'app.openExternal': ({ url }: { url: string }) => this.options.links.openExternal(url),
    'app.copyText': ({ text }: { text: string }) => this.options.copyText(text),
    'window.memory': async () => this.windowMemory.memory(),
    'window.remember': async (change: WindowMemoryChange) => this.windowMemory.remember(change),
    'retention.get': async () => this.retention.view(),
    'retention.preview': ({ connectionId, policy }: { connectionId: string; policy: never }) =>
      this.retention.preview(connectionId, policy),
    'retention.save': async (request: RetentionSave) => {
      const view = this.retention.save(request)
      this.send('retention.changed', view)
      return view
    },
    'retention.pruneNow': ({ connectionId, paths }: { connectionId: string; paths: string[] }) =>
      this.retention.pruneNow(connectionId, paths),
    'health.get': () => this.health.current(),
    'settingsFile.get': async () => ({ problem: this.settingsFile.problem }),
    'health.pingUrl': async () => ({ set: this.engine.ping.isSet() }),
    'health.setPingUrl': async ({ url }: { url: string }) => {
      // Checked here to name the window's fix; the URL itself is never quoted back.
      if (!isHttpUrl(url))
        throw new AppError(
          'invalid_setting',
          'The ping URL must be an http:// or https:// address (a healthchecks.io one looks like https://hc-ping.com/<uuid>).',
        )
      await this.engine.ping.set(url)
      return { set: this.engine.ping.isSet() }
    },
    'health.clearPingUrl': async () => {
      await this.engine.ping.clear()
      return { set: this.engine.ping.isSet() }
    },
    'backups.list': ({ connectionId }: { connectionId: string }) =>
      this.restores.list(connectionId),
    'backups.restore': ({ connectionId, name }: { connectionId: string; name: string }) =>
      this.restores.restore(connectionId, name),
    'backups.cancelRestore': async ({ restoreId }: { restoreId: number }) =>
      this.restores.cancel(restoreId),
    'backups.showInFolder': async ({ restoreId }: { restoreId: number }) =>
      this.restores.showInFolder(restoreId),
  }

  /**
   * A login flow's page is allowed to open only while its sign-in runs; an OAuth authorization
   * URL is allowed as long as its provider is configured and enabled.
   */
  private connect({ provider, redirect, fields }: ConnectInput) {
    const { links } = this.options
    let release = () => {}
    return this.signIns.start({
      provider,
      redirect: redirect ?? this.options.defaultRedirect,
      fields,
      onUrl: async (url, auth) => {
        if (auth === 'login-flow') release = links.allowLoginPage(url)
        await links.openBrowser(url)
      },
      onEnd: (outcome) => {
        release()
        this.send('signIn.finished', outcome)
        void this.engine.uploads.nudge()
      },
    })
  }

  private settingsView(): SettingsView {
    const s = this.engine.settings.get()
    return {
      sources: s.sources,
      patterns: s.patterns,
      remoteFolder: s.remoteFolder,
      concurrency: s.concurrency,
      notifications: s.notifications,
      startAtLogin: s.startAtLogin,
      localDestination: s.localDestination,
      verifySchedule: s.verifySchedule,
      alertAfter: s.alertAfter,
      bandwidthLimit: s.bandwidthLimit,
      bandwidthSchedule: s.bandwidthSchedule,
    }
  }

  /**
   * settings.json changed from outside (a hand edit, the CLI): the window hears of it as of a save
   * here, and what a save would restart is restarted.
   */
  private settingsEditedOutside(next: Settings, previous: Settings): void {
    this.send('settings.changed', this.settingsView())
    this.send('retention.changed', this.retention.view())
    const differs = (key: keyof Settings) => !isDeepStrictEqual(next[key], previous[key])
    if (differs('sources') || differs('patterns')) this.restartWatch()
    if (differs('localDestination')) this.sendStatus()
    void this.engine.uploads.nudge()
    void this.health.refresh()
  }

  /** A new watcher scans the folder afresh: that is also "upload new backups now". */
  private restartWatch(): void {
    const previous = this.watch
    this.watch = undefined
    void previous?.close()
    this.watchSummary.reset(this.engine.settings.get().sources)
    this.status.onWatch(this.watchSummary.current())
    this.watch = this.engine.watchSources((source, status) => {
      this.status.onWatch(this.watchSummary.update(source, status))
      this.sendStatus()
    })
  }

  /** Space used changes with each upload; read it again at most once a minute per account. */
  private refreshSpaceSoon(connectionId: string): void {
    const connection = this.engine.connections.list().find((c) => c.id === connectionId)
    if (connection?.status !== 'connected' || this.spaceRefresh.has(connectionId)) return
    const timer = setTimeout(() => {
      this.engine.connections.refresh(connectionId).catch((error: unknown) => {
        this.engine.log.warn('could not read the account space', {
          connection: connectionId,
          error,
        })
      })
    }, SPACE_REFRESH_DELAY_MS)
    timer.unref()
    this.spaceRefresh.set(connectionId, timer)
    setTimeout(() => this.spaceRefresh.delete(connectionId), SPACE_REFRESH_INTERVAL_MS).unref()
  }

  private jobView(job: Job): JobView {
    return toJobView(job, this.engine.uploads.slowDown(job))
  }

  private sendStatus(): void {
    this.send('status.changed', this.currentStatus())
  }

  private send<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.emit('event', event, payload)
  }
}

/** A dropped path must be a regular, readable file; each provider checks the size it takes. */
function droppedFile(path: string) {
  return sourceFileAt(path)
}

/** Each source against the ones before it: distinct labels, folders and remote subfolders. */
function checkSourceList(sources: readonly Source[]): void {
  sources.forEach((source, index) => {
    const problem = sourceProblem(source, sources.slice(0, index))
    if (problem)
      throw new AppError('invalid_setting', `"${source.label}" cannot be saved: ${problem}.`)
  })
}
