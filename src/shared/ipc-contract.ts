import { z } from 'zod'
import { ERROR_CODES, type ErrorCode } from './error-codes.ts'
import { ProviderConfigureRequest, ProviderId, ProviderSettingsView } from './provider-settings.ts'
import { Connection, RetentionPolicy, Settings } from './settings-schema.ts'

/**
 * The one contract between the window and the engine: every command and event, by name, with
 * its schemas. Main registers handlers from it, the preload exposes it, the E2E bridge serves it,
 * and the renderer types itself from it, so a command added here reaches all four.
 */

/** One thing a provider's connect form asks for (the provider's connectFields, as the port says). */
export const ConnectFieldView = z.object({
  name: z.string(),
  label: z.string(),
  kind: z.enum(['url', 'text', 'secret', 'flag']),
  required: z.boolean(),
  hint: z.string().optional(),
})
export type ConnectFieldView = z.infer<typeof ConnectFieldView>

/** A provider as the Connections section needs it: enough to draw its card without naming it. */
export const ProviderView = z.object({
  provider_id: ProviderId,
  display_name: z.string(),
  is_enabled: z.boolean(),
  /** Why it is not enabled, with the fix; null when it is. */
  reason: z.string().nullable(),
  auth: ProviderSettingsView.shape.auth,
  /** False for providers listed but not built yet ("coming soon"). */
  available: z.boolean(),
  /** The README section on setting it up. */
  docsUrl: z.string(),
  connectFields: z.array(ConnectFieldView),
  /** OAuth providers that take no pasted code (Google): the window offers none. Absent: they do. */
  pastedCode: z.boolean().optional(),
})
export type ProviderView = z.infer<typeof ProviderView>

export const JobState = z.enum(['queued', 'uploading', 'verifying', 'done', 'failed', 'cancelled'])

export const ErrorView = z.object({
  code: z.string().refine((code): code is ErrorCode => code in ERROR_CODES),
  message: z.string(),
})

export const JobView = z.object({
  id: z.number().int(),
  path: z.string(),
  name: z.string(),
  size: z.number(),
  connectionId: z.string(),
  state: JobState,
  origin: z.enum(['watch', 'manual']),
  attempts: z.number().int(),
  bytesDone: z.number(),
  remotePath: z.string().nullable(),
  contentHash: z.string().nullable(),
  /** Which checksum contentHash is ("sha256", "dropbox-content-hash" …) and how it was checked. */
  checksumAlgorithm: z.string().nullable().default(null),
  verifiedBy: z.string().nullable().default(null),
  renamed: z.boolean(),
  error: ErrorView.nullable(),
  queuedAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  bytesPerSecond: z.number().nullable(),
  /** Set while the destination has asked us to slow down: shown as "waiting until HH:MM (…)". */
  waiting: z.object({ until: z.number(), reason: z.string() }).optional(),
  /** Retention deleted this upload's remote copy: when, and the policy ("keepLast=3"). */
  prunedAt: z.number().nullable().optional(),
  prunedBy: z.string().nullable().optional(),
})
export type JobView = z.infer<typeof JobView>

/**
 * A file retention deleted that no upload of this app had put there (copied by hand, by another
 * tool, by an older install): it has no job to be marked on, so the history lists it on its own.
 */
export const RemovalView = z.object({
  id: z.number().int(),
  connectionId: z.string(),
  name: z.string(),
  path: z.string(),
  rule: z.string(),
  /** As the history words it: "pruned by keepLast=3; not uploaded by this app". */
  text: z.string(),
  removedAt: z.number(),
})
export type RemovalView = z.infer<typeof RemovalView>

export const ProgressView = z.object({
  jobId: z.number().int(),
  bytesDone: z.number(),
  size: z.number(),
  bytesPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
})
export type ProgressView = z.infer<typeof ProgressView>

export const WatchView = z.object({
  folder: z.string().nullable(),
  state: z.enum(['off', 'starting', 'watching', 'unavailable']),
  error: ErrorView.nullable(),
})

export const StatusView = z.object({
  paused: z.array(z.string()),
  counts: z.record(JobState, z.number()),
  watch: WatchView,
  /** Drives the tray icon: failures stay visible until the next success. */
  tray: z.enum(['idle', 'uploading', 'error', 'paused']),
  lastError: ErrorView.nullable(),
})
export type StatusView = z.infer<typeof StatusView>

/** The settings the window may read and change (connections have commands of their own). */
export const SettingsView = Settings.pick({
  sources: true,
  alertAfter: true,
  patterns: true,
  remoteFolder: true,
  concurrency: true,
  notifications: true,
  startAtLogin: true,
  localDestination: true,
  verifySchedule: true,
  bandwidthLimit: true,
  bandwidthSchedule: true,
})
export type SettingsView = z.infer<typeof SettingsView>

/**
 * settings.update's input: the settings to change, and only those. Not SettingsView.partial():
 * zod 4 fills a missing key's default even under optional(), so changing one setting would put
 * every other one the window did not send back to its default.
 */
export const SettingsChange = z
  .object(
    Object.fromEntries(
      Object.entries(SettingsView.shape).map(([key, schema]) => [
        key,
        (schema instanceof z.ZodDefault ? schema.unwrap() : schema).optional(),
      ]),
    ),
  )
  .strict() as unknown as z.ZodType<Partial<SettingsView>, Partial<SettingsView>>

export const HistoryRequest = z.object({
  status: JobState.optional(),
  connectionId: z.string().max(200).optional(),
  text: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(500).default(100),
  offset: z.number().int().min(0).default(0),
})

/**
 * What the user typed into a provider's connect form. Secret fields cross only this way, window
 * to main: no command answers with them, and errors and logs never quote them.
 */
const ConnectFieldValues = z
  .record(z.string().min(1).max(100), z.union([z.string().max(4096), z.boolean()]))
  .refine((fields) => Object.keys(fields).length <= 50, 'has too many fields')

/** OAuth providers sign in through a redirect; the others take fields or run a login flow. */
const ConnectRequest = z
  .object({
    provider: ProviderId,
    redirect: z.enum(['scheme', 'loopback', 'manual']).optional(),
    fields: ConnectFieldValues.optional(),
  })
  .strict()

const ConnectionTestRequest = z
  .object({ provider: ProviderId, fields: ConnectFieldValues })
  .strict()

export const AccountInfoView = z.object({
  account: Connection.shape.account,
  space: Connection.shape.space,
})

const Id = z.object({ id: z.string().min(1).max(200) })

/** What the window remembers between runs (the shell keeps it in its own file, not settings). */
export const WindowMemory = z.object({
  lastView: z.string().max(64).nullable(),
  /** Banners the user closed, by the id the window gives each. */
  dismissedBanners: z.array(z.string().max(200)),
})
export type WindowMemory = z.infer<typeof WindowMemory>
export const WindowMemoryChange = z
  .object({
    lastView: z.string().min(1).max(64).optional(),
    dismissBanner: z.string().min(1).max(200).optional(),
  })
  .strict()
export type WindowMemoryChange = z.infer<typeof WindowMemoryChange>
const JobId = z.object({ jobId: z.number().int().positive() })
const Scope = z.object({ connectionId: z.string().min(1).max(200).optional() })
/** Paths from a drop: main checks each again (a regular, readable file) before queueing it. */
const Paths = z.object({
  paths: z.array(z.string().min(1).max(4096)).min(1).max(1000),
  connectionId: z.string().min(1).max(200).optional(),
})

// --- Retention and health in the window (issue #10) ---

/** The saved policies: the default for every destination, and each destination's own. */
export const RetentionView = z.object({
  retention: RetentionPolicy,
  overrides: z.record(z.string(), RetentionPolicy),
})
export type RetentionView = z.infer<typeof RetentionView>

const RetentionPreviewRequest = z
  .object({ connectionId: z.string().min(1).max(200), policy: RetentionPolicy })
  .strict()

/** One backup in a preview: its name and time, with the rule that lets it go or keeps it. */
const PreviewedBackup = z.object({
  name: z.string(),
  /** Its remote path: what Prune now confirms, since two Fermentracks may share a name. */
  path: z.string(),
  /** The Fermentrack whose own remote folder holds it; null for the destination's folder. */
  source: z.string().nullable(),
  /** Fermentrack's time in the name, else the modified time; null when neither is known. */
  time: z.number().nullable(),
  verified: z.boolean(),
  /** For a removal, the policy that lets it go ("keepLast=3"); for a kept one, every reason. */
  why: z.string(),
})

/** What a draft policy would do at one destination now. Nothing is deleted to compute it. */
export const RetentionPreview = z.object({
  connectionId: z.string(),
  folder: z.string(),
  /** False when the draft turns retention off there: nothing is listed, nothing would go. */
  on: z.boolean(),
  remove: z.array(PreviewedBackup),
  keep: z.array(PreviewedBackup),
  /** Files in the folder that are not backups (notes.txt, other folders): never touched. */
  ignored: z.number().int(),
})
export type RetentionPreview = z.infer<typeof RetentionPreview>

/**
 * Saves the default (no connectionId) or one destination's policy. `policy: null` on a
 * destination drops its own policy, so the default applies there again; `{}` turns it off.
 */
const RetentionSaveRequest = z
  .object({
    connectionId: z.string().min(1).max(200).optional(),
    policy: RetentionPolicy.nullable(),
  })
  .strict()
  .refine((r) => r.policy !== null || r.connectionId !== undefined, {
    message: 'only a destination can go back to the default',
    path: ['policy'],
  })

/** A silence worth the user's attention: a stale destination, or Fermentrack writing nothing. */
export const HealthAlertView = z.object({
  /** Stable per cause ("watch-folder", "destination:<id>"): one notification a day per key. */
  key: z.string(),
  severity: z.enum(['warning', 'error']),
  /** The cause and its fix, in one sentence. */
  message: z.string(),
})
export type HealthAlertView = z.infer<typeof HealthAlertView>

export const HealthView = z.object({
  alerts: z.array(HealthAlertView),
  /** When the newest verified upload anywhere finished (epoch ms), or null before the first. */
  lastBackupAt: z.number().nullable(),
  /** When this was computed (epoch ms). */
  checkedAt: z.number(),
})
export type HealthView = z.infer<typeof HealthView>

/**
 * Whether a health ping URL is set. The URL is a secret: it goes window → main only (setPingUrl),
 * and nothing main sends back holds it, so the window shows "set" or "not set".
 */
export const PingUrlView = z.object({ set: z.boolean() })
export type PingUrlView = z.infer<typeof PingUrlView>

/**
 * settings.json as last read after an edit from outside: `problem` is the one line saying which
 * file, what is wrong, and that the settings from before stay in effect; null when it reads fine.
 */
export const SettingsFileView = z.object({ problem: z.string().nullable() })
export type SettingsFileView = z.infer<typeof SettingsFileView>

const retentionHealthCommands = {
  'retention.get': { input: z.void(), output: RetentionView },
  /** Plans the draft policy against the destination's listing; deletes nothing. */
  'retention.preview': { input: RetentionPreviewRequest, output: RetentionPreview },
  'retention.save': { input: RetentionSaveRequest, output: RetentionView },
  /**
   * Deletes, with the SAVED policy, exactly the backups the user confirmed (`paths`, from the
   * preview): if the plan now removes anything else or less, nothing is deleted (prune_list_changed).
   */
  'retention.pruneNow': {
    input: z
      .object({
        connectionId: z.string().min(1).max(200),
        paths: z.array(z.string().min(1).max(4000)).min(1).max(100_000),
      })
      .strict(),
    output: z.object({ removed: z.number().int(), preview: RetentionPreview }),
  },
  'health.get': { input: z.void(), output: HealthView },
  'health.pingUrl': { input: z.void(), output: PingUrlView },
  'health.setPingUrl': {
    input: z.object({ url: z.string().trim().min(1).max(2000) }).strict(),
    output: PingUrlView,
  },
  'health.clearPingUrl': { input: z.void(), output: PingUrlView },
  'settingsFile.get': { input: z.void(), output: SettingsFileView },
} as const

const retentionHealthEvents = {
  'health.changed': HealthView,
  'retention.changed': RetentionView,
  /** A hand edit left settings.json invalid, or a later read (or a save here) put it right. */
  'settingsFile.changed': SettingsFileView,
} as const

// --- Backups in the cloud: browse and restore (issue #10, the window's restore view) ---

/** One backup at a destination, as the restore view lists it. */
export const BackupView = z.object({
  connectionId: z.string(),
  name: z.string(),
  /** The Fermentrack stamp in the name, else the server's time (epoch ms); null if neither. */
  time: z.number().nullable(),
  size: z.number(),
  /** Uploaded by this app and checked then against a checksum, which the restore checks again. */
  verifiedAtUpload: z.boolean(),
  contentHash: z.string().nullable(),
  checksumAlgorithm: z.string().nullable(),
})
export type BackupView = z.infer<typeof BackupView>

export const RestoreProgressView = z.object({
  restoreId: z.number().int(),
  connectionId: z.string(),
  name: z.string(),
  bytesDone: z.number(),
  size: z.number(),
  bytesPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
})
export type RestoreProgressView = z.infer<typeof RestoreProgressView>

/** A finished restore: where main saved it, and what the bytes were checked against. */
export const RestoreView = z.object({
  restoreId: z.number().int(),
  connectionId: z.string(),
  name: z.string(),
  localPath: z.string(),
  size: z.number(),
  /** A checksum matched; false means the size alone was checked. */
  verified: z.boolean(),
  verifiedBy: z.string(),
})
export type RestoreView = z.infer<typeof RestoreView>

/** "cancelled": the folder picker or the download was cancelled, and nothing was restored. */
export const RestoreOutcome = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('restored'), restore: RestoreView }),
  z.object({ outcome: z.literal('cancelled') }),
])
export type RestoreOutcome = z.infer<typeof RestoreOutcome>

/** A backup by its name in the destination's folder: never a path, never a folder to write to. */
const BackupName = z
  .string()
  .min(1)
  .max(1000)
  .refine((name) => !/[/\\]/.test(name) && name !== '.' && name !== '..', 'is not a file name')
const RestoreId = z.object({ restoreId: z.number().int().positive() })

const backupCommands = {
  'backups.list': {
    input: z.object({ connectionId: z.string().min(1).max(200) }).strict(),
    output: z.array(BackupView),
  },
  /**
   * Main opens the folder picker itself (at the Downloads folder), then restores; the window
   * never names a folder. Progress comes as backups.restoreProgress, the first at 0 bytes.
   */
  'backups.restore': {
    input: z.object({ connectionId: z.string().min(1).max(200), name: BackupName }).strict(),
    output: RestoreOutcome,
  },
  'backups.cancelRestore': { input: RestoreId.strict(), output: z.void() },
  /** Main reveals the file it restored under that id; the window sends no path. */
  'backups.showInFolder': { input: RestoreId.strict(), output: z.void() },
} as const

const backupEvents = {
  'backups.restoreProgress': RestoreProgressView,
} as const

// --- end of backups in the cloud ---

export const commands = {
  'providers.list': { input: z.void(), output: z.array(ProviderView) },
  /** Kasm's form per provider; a client secret shows only as `clientSecretSet`. */
  'providers.settings': { input: z.void(), output: z.array(ProviderSettingsView) },
  /** A client secret goes in here and never comes back out. */
  'providers.configure': { input: ProviderConfigureRequest, output: ProviderSettingsView },
  'connections.list': { input: z.void(), output: z.array(Connection) },
  /**
   * A sign-in (OAuth, login flow) answers with the page to open, and signIn.finished says how it
   * ended; a provider that takes fields answers with the connection itself.
   */
  'connections.connect': {
    input: ConnectRequest,
    output: z.object({
      signInId: z.string(),
      authorizeUrl: z.string().nullable(),
      connection: Connection.nullable(),
    }),
  },
  /** Checks the fields against the provider as Connect would, and saves nothing. */
  'connections.test': { input: ConnectionTestRequest, output: AccountInfoView },
  'connections.submitCode': {
    input: z.object({ signInId: z.string().max(100), code: z.string().min(1).max(1000) }),
    output: z.void(),
  },
  'connections.cancelSignIn': {
    input: z.object({ signInId: z.string().max(100) }),
    output: z.void(),
  },
  /** `warning`: removed here, but Dropbox could not be reached to revoke it (not_revoked). */
  'connections.disconnect': { input: Id, output: z.object({ warning: ErrorView.nullable() }) },
  'uploads.enqueue': { input: Paths, output: z.array(JobView) },
  'uploads.active': { input: z.void(), output: z.array(JobView) },
  /**
   * `removals`: with the first page of an unfiltered-by-status query, the deleted files this app
   * did not upload, newest first (at most `limit`), matching the destination and text filters.
   */
  'uploads.history': {
    input: HistoryRequest,
    output: z.object({
      total: z.number(),
      jobs: z.array(JobView),
      removals: z.array(RemovalView).optional(),
    }),
  },
  'uploads.retry': { input: JobId, output: z.array(JobView) },
  'uploads.retryAllFailed': { input: z.void(), output: z.array(JobView) },
  'uploads.cancel': { input: JobId, output: z.void() },
  'uploads.pause': { input: Scope, output: z.void() },
  'uploads.resume': { input: Scope, output: z.void() },
  'uploads.scanNow': { input: z.void(), output: z.void() },
  'status.get': { input: z.void(), output: StatusView },
  'settings.get': { input: z.void(), output: SettingsView },
  'settings.update': { input: SettingsChange, output: SettingsView },
  'dialog.chooseFolder': { input: z.void(), output: z.string().nullable() },
  'app.openExternal': { input: z.object({ url: z.string().url().max(2000) }), output: z.void() },
  /** Main writes the clipboard: the sandboxed window is refused the clipboard permission. */
  'app.copyText': { input: z.object({ text: z.string().min(1).max(10_000) }), output: z.void() },
  'window.memory': { input: z.void(), output: WindowMemory },
  'window.remember': { input: WindowMemoryChange, output: WindowMemory },
  ...retentionHealthCommands,
  ...backupCommands,
} as const

export const events = {
  'uploads.job': JobView,
  'uploads.progress': ProgressView,
  'connections.changed': z.array(Connection),
  /** A provider's settings changed: which providers can be connected may have too. */
  'providers.changed': z.array(ProviderView),
  'signIn.finished': z.object({
    signInId: z.string(),
    connection: Connection.nullable(),
    error: ErrorView.nullable(),
  }),
  'status.changed': StatusView,
  'settings.changed': SettingsView,
  ...retentionHealthEvents,
  ...backupEvents,
} as const

export type CommandName = keyof typeof commands
export type EventName = keyof typeof events
export type CommandInput<C extends CommandName> = z.input<(typeof commands)[C]['input']>
export type CommandOutput<C extends CommandName> = z.output<(typeof commands)[C]['output']>
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>

/** What crosses the boundary for a command: a value, or an error without stack or secrets. */
export type CommandResult<C extends CommandName> =
  { ok: true; value: CommandOutput<C> } | { ok: false; error: z.infer<typeof ErrorView> }

/** The API the preload exposes as window.companion (and the E2E bridge imitates). */
export type CompanionApi = {
  [C in CommandName]: (
    ...input: CommandInput<C> extends void ? [] : [CommandInput<C>]
  ) => Promise<CommandResult<C>>
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
  /** The file-system path of a dropped File (webUtils.getPathForFile in the preload). */
  pathForFile(file: File): string
}

export const IPC_PREFIX = 'companion:'
