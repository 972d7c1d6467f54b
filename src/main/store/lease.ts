import { mkdirSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { DatabaseSync } from 'node:sqlite'
import type { Logger } from '../log/logger.ts'

/**
 * Named leases shared by every process on one FTB_HOME: whoever holds "queue" runs the upload
 * queue, whoever holds "sign-in" waits for the browser's answer. A claim is one IMMEDIATE
 * transaction, so of any number of processes claiming at once exactly one wins.
 *
 * They live in their own database, FTB_HOME/leases.db, not in queue.db: the lease's connection
 * has its own life (closing the job store mid-claim can't break a claim), a heartbeat never waits
 * behind a long queue transaction, and a sign-in needs no queue at all.
 */
const SCHEMA = `CREATE TABLE IF NOT EXISTS leases (
  name TEXT PRIMARY KEY,
  token TEXT NOT NULL,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  beat INTEGER NOT NULL
)`

export interface LeaseOptions {
  /** How often the holder proves it is alive; default 2 s. */
  heartbeatMs?: number
  /** A holder whose heartbeat this process has watched stand still this long is gone; default 30 s. */
  staleMs?: number
  /** Called once if the holder finds its lease taken or gone. */
  onLost?: () => void
  log?: Logger
}

export interface HeldLease {
  readonly name: string
  readonly lost: boolean
  /** Gives the lease up (only if still ours). Safe to call more than once. */
  release(): void
}

interface LeaseRow {
  token: string
  pid: number
  host: string
  beat: number
}

/** Tokens of the leases this process holds now: a row with our pid but another token is stale. */
const heldHere = new Set<string>()

/**
 * Claims one named lease, again and again if need be. It remembers the heartbeat it last saw, so
 * a holder counts as gone after its heartbeat has stood still for `staleMs` of this process's
 * monotonic clock: wall-clock jumps and a sleeping laptop don't make a live holder look dead.
 */
export class LeaseClaimer {
  private readonly file: string
  private readonly name: string
  private readonly options: LeaseOptions
  private seen: { token: string; beat: number; since: number } | undefined

  constructor(home: string, name: string, options: LeaseOptions = {}) {
    this.file = join(home, 'leases.db')
    mkdirSync(home, { recursive: true, mode: 0o700 })
    this.name = name
    this.options = options
  }

  /** Takes the lease if nobody holds it, or its holder is dead or silent; else undefined. */
  tryClaim(): HeldLease | undefined {
    let db: DatabaseSync | undefined
    try {
      db = openLeaseDb(this.file)
      const token = this.claimIn(db)
      if (token) {
        const holder = new Holder(db, this.name, token, this.options)
        db = undefined // the holder's now, for its heartbeat
        return holder
      }
    } catch (error) {
      // Others claiming for longer than the busy timeout: no answer yet is a "not now".
      if (!isBusy(error)) throw error
    } finally {
      db?.close()
    }
    return undefined
  }

  private claimIn(db: DatabaseSync): string | undefined {
    db.exec('BEGIN IMMEDIATE')
    try {
      const row = db
        .prepare('SELECT token, pid, host, beat FROM leases WHERE name = ?')
        .get(this.name) as LeaseRow | undefined
      if (row && !this.isFree(row)) {
        db.exec('COMMIT')
        return undefined
      }
      const token = randomUUID()
      db.prepare(
        'INSERT OR REPLACE INTO leases (name, token, pid, host, beat) VALUES (?, ?, ?, ?, ?)',
      ).run(this.name, token, process.pid, hostname(), Date.now())
      db.exec('COMMIT')
      heldHere.add(token)
      this.seen = undefined
      return token
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK')
      throw error
    }
  }

  private isFree(row: LeaseRow): boolean {
    if (row.host === hostname()) {
      // Same pid, unknown token: a process before us had our pid (a restarted container).
      if (row.pid === process.pid) return !heldHere.has(row.token)
      if (!isRunning(row.pid)) return true
    }
    const now = performance.now()
    if (this.seen?.token !== row.token || this.seen.beat !== row.beat) {
      this.seen = { token: row.token, beat: row.beat, since: now }
      return false
    }
    return now - this.seen.since >= (this.options.staleMs ?? 30_000)
  }
}

class Holder implements HeldLease {
  readonly name: string
  private readonly db: DatabaseSync
  private readonly token: string
  private readonly options: LeaseOptions
  private readonly timer: NodeJS.Timeout
  private ended = false
  lost = false

  constructor(db: DatabaseSync, name: string, token: string, options: LeaseOptions) {
    this.db = db
    this.name = name
    this.token = token
    this.options = options
    // unref: a lease alone never keeps a process alive.
    this.timer = setInterval(() => this.beat(), options.heartbeatMs ?? 2000).unref()
  }

  release(): void {
    if (this.ended) return
    try {
      this.db.prepare('DELETE FROM leases WHERE name = ? AND token = ?').run(this.name, this.token)
    } catch (error) {
      // The row keeps our pid, so the next claimer takes it once this process has ended.
      this.options.log?.warn('could not release a lease', { lease: this.name, error })
    }
    this.end()
  }

  private beat(): void {
    let changes: number
    try {
      const result = this.db
        .prepare('UPDATE leases SET beat = ? WHERE name = ? AND token = ?')
        .run(Date.now(), this.name, this.token)
      changes = Number(result.changes)
    } catch (error) {
      // Busy or a failing disk: try again at the next beat; only a row that says so means lost.
      this.options.log?.warn('could not renew a lease', { lease: this.name, error })
      return
    }
    if (changes > 0) return
    this.options.log?.warn('lease taken over by another process', { lease: this.name })
    this.lost = true
    this.end()
    this.options.onLost?.()
  }

  private end(): void {
    this.ended = true
    clearInterval(this.timer)
    heldHere.delete(this.token)
    try {
      this.db.close()
    } catch {
      // Already closed.
    }
  }
}

function openLeaseDb(file: string): DatabaseSync {
  const db = new DatabaseSync(file, { timeout: 5000 })
  try {
    // NORMAL is enough: after a power loss no holder is alive, so a lost beat costs nothing.
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;')
    db.exec(SCHEMA)
  } catch (error) {
    db.close()
    throw error
  }
  return db
}

/** Whether a process with this pid exists (EPERM: it does, as another user). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}

function isBusy(error: unknown): boolean {
  const code = ((error as { errcode?: number }).errcode ?? 0) & 0xff // primary code
  return code === 5 || code === 6 // SQLITE_BUSY, SQLITE_LOCKED
}
