import { AppError } from '../shared/app-error.ts'
import { ConnectionService } from './auth/connection-service.ts'
import { ProviderConfig } from './auth/provider-config.ts'
import { SignInStates, SIGN_IN_TTL_MS } from './auth/sign-in-states.ts'
import { HealthPing } from './health/health-ping.ts'
import { createLogger, parseLogLevel, type Logger } from './log/logger.ts'
import type { FetchFn } from './net/fetch-with-retry.ts'
import { envProxyRoute, type ProxyRoute } from './net/proxy-route.ts'
import { routedTransports } from './net/transports.ts'
import { openSecretStore, secretStoreKind } from './secrets/open-secret-store.ts'
import type { SecretStore, SecretStoreKind } from './secrets/secret-store.ts'
import { migrateSecrets, type MigrationOutcome } from './secrets/secret-migration.ts'
import { clientSecretAccount } from './auth/provider-config.ts'
import { PING_ACCOUNT } from './health/health-ping.ts'
import { providerIds } from './providers/registry.ts'
import { homePaths, resolveHome } from './store/home.ts'
import { SettingsStore } from './store/settings-store.ts'
import { watchSettingsFile, type SettingsFileWatch } from './store/settings-file-watch.ts'
import { uploadBucket } from './net/bandwidth-limit.ts'
import { applyBandwidthLimit } from './net/bandwidth-setting.ts'
import { isStorageFailure } from './uploads/storage-failure.ts'
import { UploadService } from './uploads/upload-service.ts'
import { RemoteBackups } from './restore/remote-backups.ts'
import { verifyNewest } from './verify/verify-backups.ts'
import { VerifyRuns, type VerifyRun } from './verify/verify-runs.ts'
import { VerifySchedule } from './verify/verify-schedule.ts'
import { AutoPrune } from './retention/auto-prune.ts'
import type { Source } from '../shared/settings-schema.ts'
import {
  watchFolder,
  type FolderWatch,
  type ReadyFile,
  type WatchStatus,
} from './watch/folder-watcher.ts'

export interface EngineOptions {
  env?: NodeJS.ProcessEnv
  /** The Electron shell passes its userData directory; FTB_HOME still wins. */
  defaultHome?: string
  fetch?: FetchFn
  /**
   * Which proxy each request goes through. Absent: HTTPS_PROXY/HTTP_PROXY/NO_PROXY (the CLI);
   * the desktop app passes the system's (app/system-proxy-route.ts).
   */
  proxyRoute?: ProxyRoute
  now?: () => number
  /** Client ids built into this release (tests pass their own). */
  builtIn?: Readonly<Record<string, string>>
  /** Where the README lives, for each provider's setup link. */
  docsBase?: string
}

export interface Engine {
  home: string
  log: Logger
  settings: SettingsStore
  connections: ConnectionService
  /** Each provider's settings (Kasm's form): read, change, reset. */
  providers: ProviderConfig
  uploads: UploadService
  /** The optional healthchecks.io-style ping after each finished upload (URL in the secret store). */
  ping: HealthPing
  /** The backups at each destination: listed, and restored verified. */
  backups: RemoteBackups
  /** The quick check of restores: run now, its record, and the weekly schedule. */
  verify: {
    /** Re-downloads and checks the destination's newest `sample` backups, and records it. */
    run(connectionId: string, sample: number): Promise<VerifyRun>
    runs: VerifyRuns
    /** Started by long-running faces (`watch`, the app); it runs only if `verifySchedule` says. */
    schedule: VerifySchedule
  }
  /** Said to the user at every start: a repaired settings file, plaintext token storage. */
  warnings: string[]
  /** Moves every token to another secret store and makes it the one in use (secret-migration.ts). */
  migrateSecrets(target: SecretStoreKind): Promise<MigrationOutcome>
  /**
   * Watches a folder and queues each settled backup for every destination. `onScanComplete`
   * follows each full scan (at start, and when watching resumes), once what it found is queued.
   */
  watch(
    dir: string,
    onStatus: (status: WatchStatus) => void,
    onScanComplete?: (count: number) => void,
  ): FolderWatch
  /**
   * Watches every source in the settings, each with its own watcher, and queues its backups for
   * its own destinations, into its remote subfolder. Closing it closes them all.
   */
  watchSources(
    onStatus: (source: Source, status: WatchStatus) => void,
    onScanComplete?: (source: Source, count: number) => void,
  ): FolderWatch
  /** Prunes after each verified upload where retention is on (see AutoPrune). */
  autoPrune: AutoPrune
  /**
   * While the app or `watch` runs: an edit of settings.json from outside reaches the settings'
   * listeners as a save does. `report` gets a bad edit's one line (also logged), and null once
   * the file reads as valid settings again.
   */
  watchSettingsFile(report: (problem: string | null) => void): SettingsFileWatch
  /**
   * Revokes and forgets a connection, and cancels the work that was waiting for it. `warning`
   * (not_revoked) says Dropbox could not be reached to revoke it; it is gone here all the same.
   */
  disconnect(id: string): Promise<{ warning: AppError | null }>
  close(): Promise<void>
}

/** The one façade the CLI and the desktop shell both drive. */
export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const env = options.env ?? process.env
  const home = env.FTB_HOME || options.defaultHome || resolveHome(env)
  const paths = homePaths(home)
  const log = createLogger({ file: paths.log, level: parseLogLevel(env.FTB_LOG_LEVEL) })
  const settings = new SettingsStore(home)
  const stopCap = applyBandwidthLimit(env, settings, uploadBucket)
  const warnings = [...settings.warnings]
  for (const warning of warnings) log.warn(warning)
  const kind = secretStoreKind(env, settings.get().secretStore)
  let secrets: Promise<SecretStore> | undefined
  const openSecrets = () => {
    secrets ??= openSecretStore({ kind, home, log }).then(
      ({ store }) => store,
      (error: unknown) => {
        // A keychain still locked at login, or busy, may answer the next time: a long-running
        // watch must not keep this one failure for good.
        secrets = undefined
        throw error
      },
    )
    return secrets
  }
  if (kind === 'file') {
    // Opened at once so its "unencrypted" warning is shown at every start, not only on first use.
    const { store, warning } = await openSecretStore({ kind, home, log })
    secrets = Promise.resolve(store)
    if (warning) warnings.push(warning)
  }
  const states = new SignInStates(paths.signIns, { now: options.now, ttlMs: signInTtlMs(env) })
  const providers = new ProviderConfig({
    settings,
    secrets: openSecrets,
    env,
    builtIn: options.builtIn,
    docsBase: options.docsBase,
  })
  const transports = routedTransports(options.proxyRoute ?? envProxyRoute())
  const connections = new ConnectionService({
    settings,
    providers,
    secrets: openSecrets,
    states,
    env,
    log,
    fetch: options.fetch,
    transports,
    now: options.now,
  })
  const uploads = new UploadService({ home, settings, connections, env, log, now: options.now })
  const ping = new HealthPing({
    settings,
    secrets: openSecrets,
    log,
    fetch: options.fetch ?? transports.fetch,
  })
  uploads.on('job', (job) => ping.jobFinished(job))
  // A healthcheckUrl written into settings.json by hand goes to the secret store before any
  // command runs; one written while a watch or the app runs, on the read that finds it.
  const pingProblem = await ping.adoptHandWritten()
  if (pingProblem) warnings.push(pingProblem.message)
  settings.onHandWrittenSecret(() => {
    void ping.adoptHandWritten().then((problem) => problem && log.warn(problem.message))
  })
  const backups = new RemoteBackups({ connections, settings, jobs: uploads.store })
  const verify = verifyFacade({ home, settings, uploads, backups, log, now: options.now })
  const autoPrune = new AutoPrune({
    settings,
    connections,
    jobs: uploads.store,
    log,
    now: options.now ?? Date.now,
  })
  uploads.on('job', (job) => autoPrune.jobFinished(job))
  return {
    home,
    log,
    settings,
    connections,
    providers,
    uploads,
    ping,
    backups,
    verify,
    warnings,
    migrateSecrets: (target) => {
      if (env.FTB_SECRET_STORE) {
        // It would keep every process that has it on the store being emptied.
        throw new AppError(
          'usage',
          `FTB_SECRET_STORE=${env.FTB_SECRET_STORE} is set and wins over the secretStore setting: unset it to migrate, and afterwards set it to ${target} or leave it unset.`,
        )
      }
      return migrateSecrets({
        current: kind,
        target,
        accounts: secretAccounts(settings),
        home,
        open: async (backend) => (await openSecretStore({ kind: backend, home, log })).store,
        useTarget: () => settings.update((current) => ({ ...current, secretStore: target })),
      })
    },
    watch: (dir, onStatus, onScanComplete) =>
      watchIntoQueue({ dir }, settings, uploads, log, onStatus, onScanComplete),
    watchSources: (onStatus, onScanComplete) => {
      const watches = settings.get().sources.map((source) =>
        watchIntoQueue(
          { dir: source.folder, source },
          settings,
          uploads,
          log,
          (status) => onStatus(source, status),
          (count) => onScanComplete?.(source, count),
        ),
      )
      return { close: async () => void (await Promise.all(watches.map((w) => w.close()))) }
    },
    autoPrune,
    watchSettingsFile: (report) =>
      watchSettingsFile(settings, (problem) => {
        if (problem === null) log.info('the settings file reads as valid settings again')
        else log.warn(problem)
        report(problem)
      }),
    disconnect: async (id) => {
      const outcome = await connections.disconnect(id)
      uploads.forget(id)
      return outcome
    },
    close: async () => {
      verify.schedule.stop()
      await uploads.stop()
      // A prune started by the last upload finishes (and is written to the history) first.
      await autoPrune.settle()
      await ping.settle()
      uploads.close()
      stopCap()
    },
  }
}

function verifyFacade(parts: {
  home: string
  settings: SettingsStore
  uploads: UploadService
  backups: RemoteBackups
  log: Logger
  now?: () => number
}): Engine['verify'] {
  const { home, settings, uploads, backups, log } = parts
  const now = parts.now ?? Date.now
  const runs = new VerifyRuns(home)
  const run = (id: string, sample: number) => verifyNewest({ backups, runs, home, now }, id, sample)
  const schedule = new VerifySchedule({
    enabled: () => settings.get().verifySchedule === 'weekly',
    destinations: () => uploads.destinations(),
    last: (id) => runs.last(id),
    verify: (id) => run(id, 1),
    now,
    log,
  })
  return { run, runs, schedule }
}

/** Files the queue's database could not take (disk full …) are offered again, less often each time. */
const REOFFER_MS = [5000, 10_000, 30_000, 60_000]

/** Hands settled files to the queue in batches: one transaction per burst, not per file. */
function watchIntoQueue(
  { dir, source }: { dir: string; source?: Source },
  settings: SettingsStore,
  uploads: UploadService,
  log: Logger,
  onStatus: (status: WatchStatus) => void,
  onScanComplete?: (count: number) => void,
): FolderWatch {
  const { patterns, includeSubfolders, settleSeconds, usePolling } = settings.get()
  let batch: ReadyFile[] = []
  let retry: NodeJS.Timeout | undefined
  let retries = 0
  const flush = () => {
    clearTimeout(retry)
    const files = batch
    batch = []
    try {
      uploads.offer(files, 'watch', undefined, source)
      retries = 0
      void uploads.nudge()
    } catch (error) {
      log.error('could not queue backups', { error, count: files.length })
      // The watcher reports each file once: keep them until the database takes them.
      if (isStorageFailure(error)) {
        batch = [...files, ...batch]
        const wait = REOFFER_MS[Math.min(retries++, REOFFER_MS.length - 1)]
        retry = setTimeout(flush, wait).unref()
      }
    }
  }
  return watchFolder(
    {
      dir,
      patterns,
      recursive: includeSubfolders,
      settleMs: settleSeconds * 1000,
      usePolling,
      log,
    },
    {
      onReady: (file) => {
        if (batch.push(file) === 1) setTimeout(flush, 20)
      },
      onStatus,
      // The files the scan found are queued (or known done) before the scan is reported.
      onScanComplete: (count) => {
        if (batch.length > 0) flush()
        onScanComplete?.(count)
      },
    },
  )
}

/** FTB_SIGN_IN_TIMEOUT (seconds) can shorten a sign-in's life, never lengthen it past 10 minutes. */
export function signInTtlMs(env: NodeJS.ProcessEnv): number {
  const seconds = Number(env.FTB_SIGN_IN_TIMEOUT)
  return seconds > 0 ? Math.min(seconds * 1000, SIGN_IN_TTL_MS) : SIGN_IN_TTL_MS
}

/** Every account the engine files a secret under. */
function secretAccounts(settings: SettingsStore): string[] {
  return [
    ...settings.get().connections.map((connection) => connection.id),
    ...providerIds().map(clientSecretAccount),
    PING_ACCOUNT,
  ]
}
