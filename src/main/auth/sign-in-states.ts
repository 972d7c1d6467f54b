import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import * as oauth from 'oauth4webapi'
import { AppError } from '../../shared/app-error.ts'
import type { ProviderId } from '../../shared/settings-schema.ts'
import { writeOwnerOnlyFile } from '../fs/owner-only-file.ts'

export const SIGN_IN_TTL_MS = 10 * 60 * 1000
const FORGET_AFTER_MS = 24 * 60 * 60 * 1000

export interface PendingSignIn {
  state: string
  provider: ProviderId
  /** undefined for the paste-the-code flow, which sends no redirect_uri. */
  redirectUri: string | undefined
  codeVerifier: string
  createdAt: number
}

interface StateRecord {
  provider: ProviderId
  redirectUri: string | null
  createdAt: number
  /** Fixed when the state is made, so another process with another lifetime judges it alike. */
  expiresAt: number
  used: boolean
}

/**
 * OAuth `state` values: random (256 bits), single-use, expiring, and bound to a provider and a
 * redirect URI. Only a hash of each state is written to disk, so an answer that arrives after its
 * `connect` has gone can still be told apart as expired or reused rather than merely unknown.
 */
export class SignInStates {
  private readonly live = new Map<string, PendingSignIn>()
  private readonly taken = new Set<string>()
  private readonly file: string
  private readonly now: () => number
  private readonly ttlMs: number

  constructor(file: string, options: { now?: () => number; ttlMs?: number } = {}) {
    this.file = file
    this.now = options.now ?? Date.now
    this.ttlMs = options.ttlMs ?? SIGN_IN_TTL_MS
  }

  async begin(provider: ProviderId, redirectUri: string | undefined): Promise<PendingSignIn> {
    const pending: PendingSignIn = {
      state: oauth.generateRandomState(),
      provider,
      redirectUri,
      codeVerifier: oauth.generateRandomCodeVerifier(),
      createdAt: this.now(),
    }
    this.live.set(pending.state, pending)
    await this.edit((records) => {
      records[hash(pending.state)] = {
        provider,
        redirectUri: redirectUri ?? null,
        createdAt: pending.createdAt,
        expiresAt: pending.createdAt + this.ttlMs,
        used: false,
      }
    })
    return pending
  }

  /** Takes a state for use; it can never be taken again. Throws the error the user should see. */
  async consume(
    state: string,
    provider: ProviderId,
    redirectUri: string | undefined,
  ): Promise<PendingSignIn> {
    const key = hash(state)
    const record = this.read()[key]
    if (!record) throw new AppError('invalid_state')
    if (record.used || this.taken.has(state)) throw new AppError('state_reused')
    if (this.now() > record.expiresAt) throw new AppError('state_expired')
    const pending = this.live.get(state)
    if (record.provider !== provider || record.redirectUri !== (redirectUri ?? null) || !pending) {
      throw new AppError(
        'invalid_state',
        'The sign-in answer belongs to a different or cancelled sign-in, not the one waiting now.',
      )
    }
    // Taken in memory before the write, so an answer racing this one is already refused.
    this.taken.add(state)
    this.live.delete(state)
    await this.edit((records) => {
      records[key] = { ...record, used: true }
    })
    return pending
  }

  /** Ends a sign-in that will never be answered (timed out or cancelled). */
  abandon(state: string): void {
    this.live.delete(state)
  }

  private read(): Record<string, StateRecord> {
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, StateRecord>
    } catch {
      return {}
    }
  }

  private async edit(change: (records: Record<string, StateRecord>) => void): Promise<void> {
    const cutoff = this.now() - FORGET_AFTER_MS
    const records = Object.fromEntries(
      Object.entries(this.read()).filter(([, record]) => record.createdAt > cutoff),
    )
    change(records)
    await writeOwnerOnlyFile(this.file, JSON.stringify(records))
  }
}

function hash(state: string): string {
  return createHash('sha256').update(state).digest('hex')
}
