import type { VerifyRun } from './verify-runs.ts'

export const WEEK_MS = 7 * 24 * 60 * 60 * 1000

/** How often a running schedule looks for a destination whose check is due. */
const TICK_MS = 60 * 60 * 1000

/**
 * Due when the destination was never checked, or its last check is a week old. The record
 * survives restarts, so a watch restarted daily still checks once a week, not once a day. A clock
 * set back (the last run "in the future") waits for the week from then rather than re-running.
 */
export function verifyDue(last: Pick<VerifyRun, 'at'> | undefined, now: number): boolean {
  if (!last) return true
  const at = Date.parse(last.at)
  return Number.isNaN(at) || now - at >= WEEK_MS
}

export interface ScheduleDeps {
  /** Whether the weekly check is on; read at each tick, so a settings change applies. */
  enabled(): boolean
  destinations(): string[]
  last(connectionId: string): VerifyRun | undefined
  /** Checks one destination and records it (verifyNewest with a sample of 1). */
  verify(connectionId: string): Promise<unknown>
  now(): number
  log: { warn(message: string, fields?: Record<string, unknown>): void }
  setInterval?: (tick: () => void, ms: number) => { unref(): unknown }
  clearInterval?: (timer: unknown) => void
}

/**
 * The weekly quick check: at start and then hourly, checks each destination that is due, one at
 * a time. Its timer does not keep the process alive (unref), so it never holds up an exit.
 */
export class VerifySchedule {
  private readonly deps: ScheduleDeps
  private timer: unknown
  private running: Promise<void> | undefined

  constructor(deps: ScheduleDeps) {
    this.deps = deps
  }

  start(): void {
    if (this.timer) return
    const every = this.deps.setInterval ?? setInterval
    const handle = every(() => void this.tick(), TICK_MS)
    handle.unref()
    this.timer = handle
    void this.tick()
  }

  stop(): void {
    ;(this.deps.clearInterval ?? clearInterval)(this.timer as NodeJS.Timeout)
    this.timer = undefined
  }

  /** One look: checks what is due; a tick while one is still running waits for it instead. */
  tick(): Promise<void> {
    this.running ??= this.checkDue().finally(() => (this.running = undefined))
    return this.running
  }

  private async checkDue(): Promise<void> {
    const { deps } = this
    if (!deps.enabled()) return
    for (const id of deps.destinations()) {
      if (!this.timer || !verifyDue(deps.last(id), deps.now())) continue
      // The run records its own outcome, failures included; only the unexpected lands here.
      await deps.verify(id).catch((error: unknown) =>
        deps.log.warn('scheduled verify failed', {
          connectionId: id,
          error: error instanceof Error ? error.message : String(error),
        }),
      )
    }
  }
}
