// The desktop shell's own log: electron-log, writing next to the engine's log in <home>/logs.
//
// The Node flavour of electron-log is used on purpose: electron-log/main registers an IPC channel
// (__ELECTRON_LOG__) that any renderer could write through, with no sender check, and the shell
// doesn't need renderer logging. It also keeps this file free of Electron, so tests load it.
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import electronLog from 'electron-log/node'
import type { LogMessage } from 'electron-log'
import type { Logger, LogLevel } from '../log/logger.ts'
import { redact } from '../log/redact.ts'

export const SHELL_LOG_FILE = 'desktop.log'

// Sign-in answers and authorize URLs carry codes and state in their query: never written out.
const SECRET_PARAM =
  /([?&#](?:code|state|code_verifier|code_challenge|access_token|refresh_token)=)[^&#\s"']*/gi

/** Masks secret-looking fields (the engine's redact) and secret URL parameters inside text. */
export function scrub(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(SECRET_PARAM, '$1[redacted]')
  if (value instanceof Error) {
    const copy = new Error(scrub(value.message) as string)
    copy.name = value.name
    copy.stack = value.stack === undefined ? undefined : (scrub(value.stack) as string)
    return copy
  }
  return scrubDeep(redact(value))
}

function scrubDeep(value: unknown): unknown {
  if (typeof value === 'string') return scrub(value)
  if (Array.isArray(value)) return value.map(scrubDeep)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v)]))
  }
  return value
}

export interface ShellLogOptions {
  /** The engine's home: FTB_HOME, or the app's userData folder. */
  home: string
  level: LogLevel
  /** Also print to the terminal (development). */
  console: boolean
}

export interface ShellLog extends Logger {
  /** Logs uncaught exceptions and rejections instead of Electron's error dialog. */
  catchErrors(): void
  readonly file: string
}

export function createShellLog({ home, level, console }: ShellLogOptions): ShellLog {
  const logger = electronLog.create({ logId: 'desktop-shell' })
  const file = path.join(home, 'logs', SHELL_LOG_FILE)
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  logger.transports.file.resolvePathFn = () => file
  logger.transports.file.level = level
  // Owner-only, like the engine's own log.
  logger.transports.file.writeOptions = { flag: 'a', mode: 0o600, encoding: 'utf8' }
  logger.transports.console.level = console ? level : false
  logger.hooks.push((message: LogMessage) => ({ ...message, data: message.data.map(scrub) }))
  const write =
    (at: LogLevel) =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (fields === undefined) logger[at](message)
      else logger[at](message, fields)
    }
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    catchErrors: () => logger.errorHandler.startCatching({ showDialog: false }),
    file,
  }
}
