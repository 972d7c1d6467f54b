import type { Logger } from '../main/log/logger.ts'

export interface FatalHooks {
  /** Says what went wrong in one line, as for any failed command: never a stack. */
  report(error: unknown): void
  /** The engine's log, once there is one. */
  log(): Logger | undefined
  /** Stops what runs (unfinished uploads are checkpointed back to the queue). */
  shutdown(): Promise<void>
  exit(code: number): void
}

/** How long a clean stop may take before the process exits anyway. */
const SHUTDOWN_MS = 5000

/**
 * A failure that nothing awaited (a timer, an event handler) would otherwise end the process
 * with a stack trace: log it, say it in one line, stop cleanly, and exit with 1.
 */
export function exitOnUncaught(target: Pick<NodeJS.Process, 'on'>, hooks: FatalHooks): void {
  let ending = false
  const fatal = (error: unknown) => {
    hooks.log()?.error('unexpected failure', {
      error: error instanceof Error ? error.message : String(error),
    })
    if (ending) return
    ending = true
    hooks.report(error)
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_MS).unref())
    void Promise.race([hooks.shutdown().catch(() => {}), timeout]).finally(() => hooks.exit(1))
  }
  target.on('unhandledRejection', fatal)
  target.on('uncaughtException', fatal)
}
