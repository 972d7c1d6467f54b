import { appendFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { redact } from './redact.ts'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

export interface LoggerOptions {
  /** JSON-lines file the log is appended to. */
  file?: string
  level?: LogLevel
}

/** One logger with levels; every record passes through `redact` before it is written. */
export function createLogger({ file, level = 'info' }: LoggerOptions = {}): Logger {
  if (file) mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  const write = (at: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (!file || RANK[at] < RANK[level]) return
    const record = {
      time: new Date().toISOString(),
      level: at,
      message,
      ...(redact(fields) as object),
    }
    try {
      appendFileSync(file, JSON.stringify(record) + '\n', { mode: 0o600 })
    } catch {
      // The log is a help, never a reason to stop: a full or read-only disk must not end uploads
      // (the failure itself is reported where it matters, e.g. the queue's storage).
    }
  }
  return {
    debug: (message, fields) => write('debug', message, fields),
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  }
}

export function parseLogLevel(value: string | undefined): LogLevel {
  return value && value in RANK ? (value as LogLevel) : 'info'
}
