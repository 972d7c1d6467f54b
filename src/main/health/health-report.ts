import { resolve } from 'node:path'
import type { ProviderId } from '../../shared/settings-schema.ts'
import type { JobReader } from '../uploads/job-reader.ts'
import { verifyFailed, type VerifyRun } from '../verify/verify-runs.ts'
import { newestBackup } from './newest-backup.ts'

export interface DestinationHealth {
  connection_id: string
  provider: ProviderId | null
  /** ISO time of the newest verified upload there, or null when there was none. */
  last_verified_upload: string | null
  age_seconds: number | null
  /** The last `verify` there (by hand or weekly), or null when it was never checked. */
  last_verify: LastVerify | null
  /** Recent enough, and its last verify (if any) did not fail. */
  ok: boolean
}

export interface LastVerify {
  at: string
  /** False for a damaged copy or one that could not be downloaded; a size-only check is ok. */
  ok: boolean
  outcome: VerifyRun['outcome']
  reason: string | null
}

export interface WatchFolderHealth {
  /** Null when no folder is set (nor given with --dir): then nothing can be checked. */
  path: string | null
  newest_backup: string | null
  /** The newest backup's modification time, ISO. */
  modified: string | null
  age_seconds: number | null
  ok: boolean
  /** Why there is no newest backup: no folder set, the folder unreadable, or no backup in it. */
  problem: string | null
}

export interface HealthReport {
  ok: boolean
  max_age_seconds: number
  destinations: DestinationHealth[]
  watch_folder: WatchFolderHealth
}

export interface HealthInputs {
  jobs: Pick<JobReader, 'lastVerified'>
  destinations: string[]
  providerOf: (id: string) => ProviderId | undefined
  /** The last recorded verify per destination; absent: not shown. */
  lastVerify?: (id: string) => VerifyRun | undefined
  dir: string | null
  patterns: readonly string[]
  recursive: boolean
  maxAgeSeconds: number
  now: number
}

/** How long ago each destination last got a verified backup, and Fermentrack last wrote one. */
export async function healthReport(inputs: HealthInputs): Promise<HealthReport> {
  const ageOf = (ms: number) => Math.max(0, Math.floor((inputs.now - ms) / 1000))
  const fresh = (age: number | null) => age !== null && age <= inputs.maxAgeSeconds
  const destinations = inputs.destinations.map((id): DestinationHealth => {
    const job = inputs.jobs.lastVerified(id)
    const age = job?.finishedAt != null ? ageOf(job.finishedAt) : null
    const verify = lastVerify(inputs.lastVerify?.(id))
    return {
      connection_id: id,
      provider: inputs.providerOf(id) ?? null,
      last_verified_upload: job?.finishedAt != null ? new Date(job.finishedAt).toISOString() : null,
      age_seconds: age,
      last_verify: verify,
      ok: fresh(age) && (verify?.ok ?? true),
    }
  })
  const watch = await watchFolderHealth(inputs, ageOf)
  watch.ok = fresh(watch.age_seconds)
  // No destination at all is a silence too: nothing is being backed up anywhere.
  const ok = destinations.length > 0 && destinations.every((d) => d.ok) && watch.ok
  return { ok, max_age_seconds: inputs.maxAgeSeconds, destinations, watch_folder: watch }
}

function lastVerify(run: VerifyRun | undefined): LastVerify | null {
  if (!run) return null
  return { at: run.at, ok: !verifyFailed(run), outcome: run.outcome, reason: run.reason }
}

async function watchFolderHealth(
  inputs: HealthInputs,
  ageOf: (ms: number) => number,
): Promise<WatchFolderHealth> {
  const none = { newest_backup: null, modified: null, age_seconds: null, ok: false }
  if (!inputs.dir)
    return { path: null, ...none, problem: 'no watch folder is set (watchFolder, or --dir)' }
  const path = resolve(inputs.dir)
  try {
    const found = await newestBackup(path, inputs)
    if (!found) return { path, ...none, problem: 'no backup file in it' }
    return {
      path,
      newest_backup: found.path,
      modified: new Date(found.mtimeMs).toISOString(),
      age_seconds: ageOf(found.mtimeMs),
      ok: false,
      problem: null,
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable'
    return { path, ...none, problem: `the folder cannot be read (${code})` }
  }
}
