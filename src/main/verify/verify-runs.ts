import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/** How a quick check of a destination's newest backups came out. */
export type VerifyOutcome = 'verified' | 'size_only' | 'mismatch' | 'error'

/** One `verify` of one destination, as recorded and as `verify --json` prints it. */
export interface VerifyRun {
  connection_id: string
  /** ISO time the run finished. */
  at: string
  /** The backups it downloaded and checked, newest first. */
  names: string[]
  /**
   * What each backup in `names` was checked against ("sha256 kept by the destination"), in the
   * same order; absent from runs recorded before it was kept, and from runs that failed.
   */
  checked_by?: string[]
  outcome: VerifyOutcome
  /** Why it was not verified (a mismatch, an error, a size-only check); null when it was. */
  reason: string | null
}

/** A failed check: a damaged copy, or one that could not be downloaded at all. */
export function verifyFailed(run: Pick<VerifyRun, 'outcome'>): boolean {
  return run.outcome === 'mismatch' || run.outcome === 'error'
}

/** Runs kept per destination: enough to see a trend, small enough to rewrite whole each time. */
const KEPT_PER_DESTINATION = 20

/**
 * The record of verify runs, in `<home>/verify-runs.json`. A JSON file rather than a table in the
 * queue's database: a few records a week, read by `health` and the scheduler, with no query that
 * needs SQL; the queue's schema and its migrations stay the upload queue's own. Each write goes to
 * a temporary file renamed over the old one, so a crash leaves the old record or the new, whole.
 */
export class VerifyRuns {
  private readonly path: string

  constructor(home: string) {
    this.path = join(home, 'verify-runs.json')
  }

  /** The destination's newest run, or undefined when it was never checked. */
  last(connectionId: string): VerifyRun | undefined {
    return this.all().findLast((run) => run.connection_id === connectionId)
  }

  all(): VerifyRun[] {
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.path, 'utf8'))
      return Array.isArray(parsed) ? parsed.filter(isRun) : []
    } catch {
      // Missing (never verified) or damaged: no record, so the scheduler checks again.
      return []
    }
  }

  record(run: VerifyRun): void {
    // Read just before writing: another process (a watch's schedule, a CLI verify) may have added one.
    const runs = [...this.all(), run]
    const mine = runs.filter((r) => r.connection_id === run.connection_id)
    const drop = new Set(mine.slice(0, Math.max(0, mine.length - KEPT_PER_DESTINATION)))
    const kept = runs.filter((r) => !drop.has(r))
    mkdirSync(dirname(this.path), { recursive: true })
    const temp = `${this.path}.${process.pid}.tmp`
    writeFileSync(temp, JSON.stringify(kept, null, 2) + '\n', { mode: 0o600 })
    renameSync(temp, this.path)
  }
}

function isRun(value: unknown): value is VerifyRun {
  const run = value as Partial<VerifyRun> | null
  return (
    typeof run?.connection_id === 'string' &&
    typeof run.at === 'string' &&
    Array.isArray(run.names) &&
    typeof run.outcome === 'string'
  )
}
