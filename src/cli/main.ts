import { parseArgs } from 'node:util'
import { AppError, isAppError } from '../shared/app-error.ts'
import { createEngine, type Engine } from '../main/engine.ts'
import { isStorageFailure, storageFailure } from '../main/uploads/storage-failure.ts'
import { connectCommand, openUrlCommand } from './connect-command.ts'
import { connectFlagOptions } from './connect-fields.ts'
import { connectionsCommand, disconnectCommand } from './connections-commands.ts'
import { BANDWIDTH_FLAGS, bandwidthCommand, type BandwidthOptions } from './bandwidth-command.ts'
import { exitOnUncaught } from './fatal-errors.ts'
import { healthCommand } from './health-command.ts'
import { secretsCommand } from './secrets-command.ts'
import { providersCommand } from './provider-commands.ts'
import { CONFIGURE_FLAGS } from './provider-flags.ts'
import { backupsCommand, restoreCommand } from './restore-commands.ts'
import { historyCommand, pauseCommand, retryCommand, statusCommand } from './queue-commands.ts'
import { uploadCommand, watchCommand } from './upload-commands.ts'
import { verifyCommand } from './verify-command.ts'
import { SOURCE_FLAGS, sourcesCommand, type SourceOptions } from './source-commands.ts'
import {
  pruneCommand,
  RETENTION_FLAGS,
  retentionCommand,
  type RetentionOptions,
} from './retention-commands.ts'

const HELP = `Usage: fermentrack-backup <command> [options]

Commands:
  providers [--json]                 List storage providers and whether each is enabled
  providers show <id> [--json]       A provider's settings: client id and where it came from,
                                     URLs, redirect URIs to register, scopes, default target
  providers configure <id> [--client-id ID] [--client-secret-stdin]
             [--authorization-url URL] [--authorization-url-options JSON] [--token-url URL]
             [--scopes "a b"] [--default-target PATH] [--enabled true|false] [--reset] [--json]
                                     Change a provider's settings (--reset restores the defaults
                                     first); a client secret is read from stdin, never argv
  connect <provider> [--redirect scheme|loopback|manual] [--no-browser] [--json]
                                     Sign in to an OAuth provider (Dropbox) in the system browser
  connect webdav --url URL --username U --password-stdin [--json]
  connect nextcloud --url URL [--no-browser] [--json]
  connect s3 --endpoint URL --region R --bucket B [--prefix P] [--path-style]
             --access-key-id ID --secret-access-key-stdin [--json]
                                     Connect a provider that signs in another way
  open-url <url>                     Hand a fermentrack-backup:// sign-in answer to the waiting connect
  connections [--json]               List connections with their account and space used
  disconnect <connection_id>         Revoke a connection's access and forget it
  watch [--dir DIR]                  Watch every Fermentrack's backups folder (or just DIR) and
                                     upload every new backup
  sources [--json]                   The Fermentrack folders that are watched
  sources add --folder DIR --label L [--remote-subfolder S] [--destination ID ...] [--json]
                                     Watch another Fermentrack; its backups go to the remote
                                     subfolder S (default: the label; "" for none), and only to
                                     the destinations given (default: every one)
  sources remove ID                  Stop watching one (its backups stay where they are)
  upload <file>... [--connection ID] [--json]
                                     Upload files now and wait until each is verified
  status [--json]                    Connections, queue counts, pauses and current transfers
  history [--json] [--status S] [--connection ID] [--text T] [--limit N] [--offset N]
                                     Past and queued uploads, newest first, and the
                                     backups retention deleted that were not ours
  retry <job_id> | retry --all-failed
                                     Queue failed uploads again
  pause [--connection ID]            Pause all uploads, or one connection's
  resume [--connection ID]           Resume them
  health [--max-age DURATION] [--dir DIR] [--json]
                                     Age of each destination's last verified upload and of the
                                     newest backup of each Fermentrack (or in DIR); exit 1 if any is older
                                     than --max-age (default: the alertAfter setting, 2d) or
                                     missing. DURATION: 90m, 36h, 2d …
  health --set-ping-url-stdin | --clear-ping-url
                                     A URL to GET after each verified upload (<url>/fail after a
                                     failed one), kept in the secret store
  backups [--connection ID] [--json] The backups at each destination, newest first
  restore <name|path> --connection ID [--to DIR] [--json]
                                     Download a backup, verify it, and save it (default:
                                     Downloads), never over an existing file
  verify --connection ID [--sample N] [--json]
                                     Re-download the newest N backups there (default 1) and
                                     check them as a restore would; exit 0 verified, 1 damaged
                                     or unreadable, 3 checked by size only
  retention [--connection ID] [--keep-last N] [--keep-days D] [--keep-daily N]
            [--keep-weekly N] [--keep-monthly N] [--off] [--json]
                                     Show or set how many backups to keep: the default for
                                     all destinations, or one destination's own
  bandwidth [--rate RATE] [--full-speed HH:MM-HH:MM|off] [--json]
                                     Show or set the upload speed limit for all uploads
                                     together (RATE: 8M, 500K, bytes per second; 0 = unlimited)
                                     and the local hours when it is lifted (e.g. 00:00-06:00)
  prune [--connection ID] [--dry-run] [--json]
                                     Delete the backups the retention policy lets go, each
                                     Fermentrack's folder counted on its own, and say which
                                     rule let each go (--dry-run only lists them)

  secrets migrate --to keychain|keyring-napi|file [--json]
                                     Move every token to another secret store (keytar's OS
                                     keychain, the same through @napi-rs/keyring, or the
                                     unencrypted file), check each, then switch the secretStore
                                     setting and remove the old copies; quit the app first

Environment: FTB_HOME, DROPBOX_APP_KEY, FTB_SECRET_STORE, FTB_LOCAL_DESTINATION,
FTB_LOOPBACK_PORT, FTB_LOG_LEVEL, FTB_BANDWIDTH_LIMIT (see the README's configuration
reference).
`

const OPTIONS = {
  ...connectFlagOptions(),
  ...CONFIGURE_FLAGS,
  ...RETENTION_FLAGS,
  ...SOURCE_FLAGS,
  ...BANDWIDTH_FLAGS,
  json: { type: 'boolean' },
  redirect: { type: 'string' },
  'no-browser': { type: 'boolean' },
  dir: { type: 'string' },
  connection: { type: 'string' },
  status: { type: 'string' },
  limit: { type: 'string' },
  offset: { type: 'string' },
  text: { type: 'string' },
  to: { type: 'string' },
  sample: { type: 'string' },
  'all-failed': { type: 'boolean' },
  'max-age': { type: 'string' },
  'set-ping-url-stdin': { type: 'boolean' },
  'clear-ping-url': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

type Options = { json: boolean } & Partial<
  Record<
    | 'redirect'
    | 'dir'
    | 'connection'
    | 'status'
    | 'limit'
    | 'offset'
    | 'text'
    | 'max-age'
    | 'to'
    | 'sample',
    string
  > &
    Record<'no-browser' | 'all-failed' | 'set-ping-url-stdin' | 'clear-ping-url', boolean>
> &
  RetentionOptions &
  Omit<SourceOptions, 'json'> &
  Omit<BandwidthOptions, 'json'>

/** The running engine, for the last-resort handler's log and clean stop. */
let current: Engine | undefined

async function run(argv: string[]): Promise<void> {
  let parsed
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true })
  } catch (error) {
    throw new AppError('usage', `${(error as Error).message}.`)
  }
  const { values, positionals } = parsed
  const [command, ...rest] = positionals
  if (values.help || !command || command === 'help') {
    process.stdout.write(HELP)
    return
  }
  const json = values.json ?? false
  const engine = await createEngine()
  current = engine
  for (const warning of engine.warnings) process.stderr.write(`Warning: ${warning}\n`)
  await dispatch(engine, command, rest, { ...values, json })
}

async function dispatch(
  engine: Engine,
  command: string,
  args: string[],
  values: Options,
): Promise<void> {
  const arity = (count: number, usage: string) => {
    if (args.length !== count)
      throw new AppError('usage', `Usage: fermentrack-backup ${command} ${usage}`.trim() + '.')
  }
  switch (command) {
    case 'providers':
      return providersCommand(engine, args, values)
    case 'connect':
      arity(1, '<provider>')
      return connectCommand(
        engine,
        {
          provider: args[0]!,
          redirect: values.redirect,
          browser: !values['no-browser'],
          json: values.json,
          values,
        },
        process.env,
      )
    case 'open-url':
      arity(1, '<url>')
      return openUrlCommand(engine, args[0]!)
    case 'connections':
      arity(0, '[--json]')
      return connectionsCommand(engine, values.json)
    case 'disconnect':
      arity(1, '<connection_id>')
      return disconnectCommand(engine, args[0]!)
    case 'watch':
      arity(0, '[--dir DIR]')
      return watchCommand(engine, values.dir)
    case 'sources':
      return sourcesCommand(engine, args, values)
    case 'upload':
      if (args.length === 0) arity(1, '<file>... [--connection ID] [--json]')
      return uploadCommand(engine, args, { connection: values.connection, json: values.json })
    case 'status':
      arity(0, '[--json]')
      return statusCommand(engine, values.json)
    case 'history':
      arity(0, '[--json] [--status S] [--limit N]')
      return historyCommand(engine, values)
    case 'retry':
      return retryCommand(engine, args[0], values['all-failed'] ?? false)
    case 'pause':
    case 'resume':
      arity(0, '[--connection ID]')
      return pauseCommand(engine, command === 'pause', values.connection)
    case 'health':
      arity(0, '[--max-age DURATION] [--dir DIR] [--json]')
      return healthCommand(engine, {
        maxAge: values['max-age'],
        dir: values.dir,
        json: values.json,
        setPingUrlStdin: values['set-ping-url-stdin'],
        clearPingUrl: values['clear-ping-url'],
      })
    case 'backups':
      arity(0, '[--connection ID] [--json]')
      return backupsCommand(engine, values)
    case 'restore':
      arity(1, '<name|path> --connection ID [--to DIR] [--json]')
      return restoreCommand(engine, args[0]!, values)
    case 'verify':
      arity(0, '--connection ID [--sample N] [--json]')
      return verifyCommand(engine, values)
    case 'retention':
      arity(0, '[--connection ID] [--keep-last N] [--off] [--json]')
      return retentionCommand(engine, values)
    case 'bandwidth':
      arity(0, '[--rate RATE] [--full-speed HH:MM-HH:MM|off] [--json]')
      return bandwidthCommand(engine, values, process.env)
    case 'secrets':
      return secretsCommand(engine, args, values)
    case 'prune':
      arity(0, '[--connection ID] [--dry-run] [--json]')
      return pruneCommand(engine, values)
    default:
      throw new AppError('usage', `Unknown command "${command}".`)
  }
}

/** One clear line on stderr, never a stack: exit 2 for usage errors, 1 for everything else. */
function fail(thrown: unknown): void {
  // A full or read-only FTB_HOME: the cause and the fix, not SQLite's bare words.
  const error = isStorageFailure(thrown) ? storageFailure(thrown) : thrown
  if (isAppError(error)) {
    process.stderr.write(`Error: ${error.message}\n`)
    process.exitCode = error.code === 'usage' ? 2 : 1
    return
  }
  const message = error instanceof Error ? error.message : String(error)
  process.stderr.write(
    `Error: unexpected failure (${message}). Run again with FTB_LOG_LEVEL=debug and see the log under FTB_HOME/logs.\n`,
  )
  process.exitCode = 1
}

exitOnUncaught(process, {
  report: fail,
  log: () => current?.log,
  shutdown: async () => current?.close(),
  exit: (code) => process.exit(code),
})

await run(process.argv.slice(2)).catch(fail)
