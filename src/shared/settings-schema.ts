import { z } from 'zod'
import { DURATION_HINT, durationSeconds } from './duration.ts'
import { ProviderId, ProviderOverrides } from './provider-settings.ts'
import { REMOTE_FOLDER } from './remote-folder.ts'
import { ABSOLUTE_PATH, REMOTE_SUBFOLDER, SOURCE_ID } from './source-names.ts'
import { BandwidthLimit, BandwidthSchedule } from './upload-limit.ts'

export { ProviderId } from './provider-settings.ts'

/**
 * 2: `dropboxAppKey` moved into `providers.dropbox.clientId`; connections gained `config`.
 * 3: `watchFolder` became the list `sources`.
 */
export const SETTINGS_VERSION = 3

/** The secret store backends (src/main/secrets/), as FTB_SECRET_STORE and the setting name them. */
export const SECRET_STORE_KINDS = ['keychain', 'keyring-napi', 'file'] as const

/** missing_permission: the Dropbox app lacks a scope (App Console); a reconnect follows the fix. */
export const ConnectionStatus = z.enum(['connected', 'needs_reauth', 'missing_permission'])
export type ConnectionStatus = z.infer<typeof ConnectionStatus>

/** What the app knows about a connection besides its tokens, which live only in the secret store. */
export const Connection = z.object({
  id: z.string().min(1),
  provider: ProviderId,
  account: z.object({ id: z.string(), name: z.string(), email: z.string() }),
  created: z.string(),
  status: ConnectionStatus,
  /** What the provider needs besides secrets to reach the account: server URL, bucket, user id. */
  config: z.record(z.string(), z.union([z.string(), z.boolean()])).default({}),
  space: z.object({ used: z.number(), allocated: z.number() }).nullable().default(null),
})
export type Connection = z.infer<typeof Connection>

/**
 * How many backups a destination keeps. Each rule is off when absent or null; a backup any rule
 * keeps stays. keepDaily/Weekly/Monthly keep the newest backup of each of the last N days,
 * weeks or months that have one.
 */
const count = z.number().int().min(1).max(100_000).nullable().optional()
export const RetentionPolicy = z
  .object({
    keepLast: count,
    keepDays: count,
    keepDaily: count,
    keepWeekly: count,
    keepMonthly: count,
  })
  .strict()
export type RetentionPolicy = z.infer<typeof RetentionPolicy>

/**
 * One Fermentrack's backup folder (a brewery may run several Pis). Its backups go to
 * `<destination's folder>/<remoteSubfolder>`, or straight into the destination's folder when that
 * is null (what a migrated single `watchFolder` keeps, so remote paths do not change).
 */
export const Source = z.object({
  id: z.string().regex(SOURCE_ID, 'must be lower-case letters, digits and dashes'),
  label: z.string().trim().min(1).max(100),
  folder: z.string().max(4096).regex(ABSOLUTE_PATH, 'must be a full path'),
  remoteSubfolder: z
    .string()
    .regex(REMOTE_SUBFOLDER, 'must be a relative path with no empty, "." or ".." part')
    .nullable(),
  /** Connection ids (or "local") this source uploads to; null: every destination. */
  destinations: z.array(z.string().min(1)).min(1).nullable().default(null),
})
export type Source = z.infer<typeof Source>

/** Sources with unique ids and folders; a repeated one is reported at its own index. */
const Sources = z.array(Source).superRefine((sources, context) => {
  sources.forEach((source, index) => {
    const earlier = sources.slice(0, index)
    if (earlier.some((s) => s.id === source.id))
      context.addIssue({ code: 'custom', path: [index, 'id'], message: 'is used twice' })
    else if (earlier.some((s) => s.folder === source.folder))
      context.addIssue({ code: 'custom', path: [index, 'folder'], message: 'is watched twice' })
  })
})

export const NotificationLevel = z.enum(['all', 'errors', 'none'])

export const Settings = z.object({
  version: z.literal(SETTINGS_VERSION),
  /** The Fermentrack backup folders watched, each with its own remote subfolder. */
  sources: Sources.default([]),
  patterns: z.array(z.string().min(1)).min(1).default(['*.tar.xz', '*.zip']),
  remoteFolder: z
    .string()
    .regex(REMOTE_FOLDER, 'must start with "/" and have no trailing "/"')
    .default('/Fermentrack Backups'),
  connections: z.array(Connection).default([]),
  concurrency: z.number().int().min(1).max(8).default(2),
  notifications: NotificationLevel.default('all'),
  startAtLogin: z.boolean().default(false),
  /** Per provider, only what differs from its defaults (Kasm's form); secrets never go here. */
  providers: z.partialRecord(ProviderId, ProviderOverrides).default({}),
  /** A folder (a NAS mount, say) every backup is also copied to; works with no account at all. */
  localDestination: z.string().min(1).nullable().default(null),
  includeSubfolders: z.boolean().default(false),
  settleSeconds: z.number().min(0.1).max(600).default(2),
  /** How long an archive that is not complete (.xz, .gz, .zip) may wait for its writer. */
  incompleteArchiveMinutes: z.number().min(0).max(1440).default(10),
  /** Poll instead of using file-system events: for NFS/SMB mounts, where events don't arrive. */
  usePolling: z.boolean().default(false),
  /** Bytes per request for large Dropbox uploads: a multiple of 4 MiB, at most 150 MiB. */
  chunkSize: z
    .number()
    .int()
    .refine((n) => n % (4 * 1024 * 1024) === 0 && n > 0 && n <= 150 * 1024 * 1024, {
      message: 'must be a multiple of 4 MiB (4194304), at most 150 MiB',
    })
    .default(8 * 1024 * 1024),
  /**
   * Chunks of one large Dropbox upload on the wire at once (a concurrent upload session), so the
   * round trip does not idle the link; 1 = one chunk after the other (a sequential session).
   */
  parallelChunks: z.number().int().min(1).max(16).default(4),
  /**
   * Chunked uploads size their chunks from the measured rate (so one takes a few seconds),
   * starting at chunkSize; false keeps every chunk at chunkSize.
   */
  adaptiveChunkSize: z.boolean().default(true),
  /** Where tokens live: keytar's OS keychain, the same through @napi-rs/keyring, or a file. */
  secretStore: z.enum(SECRET_STORE_KINDS).default('keychain'),
  /** All uploads together stay under this many bytes per second; 0 = unlimited. */
  bandwidthLimit: BandwidthLimit.default(0),
  /** Local hours when bandwidthLimit is lifted; null: the limit holds all day. */
  bandwidthSchedule: BandwidthSchedule.nullable().default(null),
  /** `health` calls a destination or the watched folder stale past this age ("2d", "36h", "90m"). */
  alertAfter: z
    .string()
    .refine((text) => durationSeconds(text) !== undefined, { message: `must be ${DURATION_HINT}` })
    .default('2d'),
  /**
   * Whether a health ping URL is set. The URL itself is a secret (anyone holding it can report
   * for you), so it lives in the secret store; this flag spares the keychain a look per upload.
   */
  healthcheckPing: z.boolean().default(false),
  /**
   * "weekly": a running watch (or the app) re-downloads and checks each destination's newest
   * backup when its last check is a week old, and `health` shows the result. Off by default: it
   * costs a download of the newest backup per destination each week.
   */
  verifySchedule: z.enum(['off', 'weekly']).default('off'),
  /** The retention policy for every destination; off (no key set) by default. */
  retention: RetentionPolicy.default({}),
  /** A destination's own policy, by connection id, in place of `retention`. */
  retentionOverrides: z.record(z.string().min(1), RetentionPolicy).default({}),
})
export type Settings = z.infer<typeof Settings>
