import { z } from 'zod'
import { ERROR_CODES, type ErrorCode } from './error-codes.ts'
import { ProviderConfigureRequest, ProviderId, ProviderSettingsView } from './provider-settings.ts'
import { Connection, Settings } from './settings-schema.ts'

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
})
export type JobView = z.infer<typeof JobView>

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
  patterns: true,
  remoteFolder: true,
  concurrency: true,
  notifications: true,
  startAtLogin: true,
  localDestination: true,
})
export type SettingsView = z.infer<typeof SettingsView>

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
const JobId = z.object({ jobId: z.number().int().positive() })
const Scope = z.object({ connectionId: z.string().min(1).max(200).optional() })
/** Paths from a drop: main checks each again (a regular, readable file) before queueing it. */
const Paths = z.object({
  paths: z.array(z.string().min(1).max(4096)).min(1).max(1000),
  connectionId: z.string().min(1).max(200).optional(),
})

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
  'uploads.history': {
    input: HistoryRequest,
    output: z.object({ total: z.number(), jobs: z.array(JobView) }),
  },
  'uploads.retry': { input: JobId, output: z.array(JobView) },
  'uploads.retryAllFailed': { input: z.void(), output: z.array(JobView) },
  'uploads.cancel': { input: JobId, output: z.void() },
  'uploads.pause': { input: Scope, output: z.void() },
  'uploads.resume': { input: Scope, output: z.void() },
  'uploads.scanNow': { input: z.void(), output: z.void() },
  'status.get': { input: z.void(), output: StatusView },
  'settings.get': { input: z.void(), output: SettingsView },
  'settings.update': { input: SettingsView.partial().strict(), output: SettingsView },
  'dialog.chooseFolder': { input: z.void(), output: z.string().nullable() },
  'app.openExternal': { input: z.object({ url: z.string().url().max(2000) }), output: z.void() },
  /** Main writes the clipboard: the sandboxed window is refused the clipboard permission. */
  'app.copyText': { input: z.object({ text: z.string().min(1).max(10_000) }), output: z.void() },
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
