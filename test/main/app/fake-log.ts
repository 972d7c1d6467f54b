import type { Logger } from '../../../src/main/log/logger.ts'

export type LogRecord = { level: string; message: string; fields?: Record<string, unknown> }

/** A Logger that keeps its records, to check what was (and wasn't) logged. */
export function fakeLog(): Logger & { records: LogRecord[] } {
  const records: LogRecord[] = []
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void records.push({ level, message, fields })
  return { records, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}
