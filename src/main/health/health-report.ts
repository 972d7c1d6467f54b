import { stat } from 'node:fs/promises'
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
  /**
   * With no backup in it: how long since the folder itself last changed (its mtime), so the
   * window can tell a folder chosen a minute ago from one Fermentrack has left empty for days.
   */
  empty_for_seconds?: number
}

/** One Fermentrack's folder: its newest backup, so a silent Pi is named. */
export interface SourceHealth extends WatchFolderHealth {
  /** The source's id; null for a folder given with --dir. */
  id: string | null
  label: string
  /** For people: "No new Fermentrack backup for 3d in Brewhouse 2", or null when fresh. */
  warning: string | null
}

export interface HealthReport {
  ok: boolean
  max_age_seconds: number
  destinations: DestinationHealth[]
  /** Each watched Fermentrack folder; stale when its newest backup is older than the limit. */
  sources: SourceHealth[]
  /** The first source, as before there were several (kept for scripts that read it). */
  watch_folder: WatchFolderHealth
}

/** A folder to check: a source from the settings, or the one given with --dir. */
export interface WatchedFolder {
  id: string | null
  label: string
  folder: string
}

export interface HealthInputs {
  jobs: Pick<JobReader, 'lastVerified'>
  destinations: string[]
  providerOf: (id: string) => ProviderId | undefined
  /** The last recorded verify per destination; absent: not shown. */
  lastVerify?: (id: string) => VerifyRun | undefined
  /** The folders to check; `dir` (one unnamed folder) is read when this is absent. */
  sources?: WatchedFolder[]
  dir?: string | null
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
  const folders =
    inputs.sources ?? (inputs.dir ? [{ id: null, label: inputs.dir, folder: inputs.dir }] : [])
  const sources = await Promise.all(
    folders.map(async (source): Promise<SourceHealth> => {
      const health = await watchFolderHealth(source.folder, inputs, ageOf)
      health.ok = fresh(health.age_seconds)
      return { id: source.id, label: source.label, ...health, warning: warningFor(source, health) }
    }),
  )
  const watch = sources[0] ? folderOnly(sources[0]) : noFolder()
  // No destination, or no folder watched, is a silence too: nothing is being backed up.
  const ok =
    destinations.length > 0 &&
    destinations.every((d) => d.ok) &&
    sources.length > 0 &&
    sources.every((s) => s.ok)
  return { ok, max_age_seconds: inputs.maxAgeSeconds, destinations, sources, watch_folder: watch }
}

/** The sentence a person sees for a silent Fermentrack, naming it. */
function warningFor(source: WatchedFolder, health: WatchFolderHealth): string | null {
  if (health.ok) return null
  const where = source.id === null ? source.folder : source.label
  if (health.age_seconds === null) return `No Fermentrack backup in ${where}: ${health.problem}`
  return `No new Fermentrack backup for ${spokenAge(health.age_seconds)} in ${where}`
}

/** "3 days", "5 hours", "1 minute": the largest whole unit, as a person says it. */
function spokenAge(seconds: number): string {
  const units: [string, number][] = [
    ['day', 86_400],
    ['hour', 3600],
    ['minute', 60],
    ['second', 1],
  ]
  const [unit, size] = units.find(([, size]) => seconds >= size) ?? units[units.length - 1]!
  const n = Math.floor(seconds / size)
  return `${n} ${unit}${n === 1 ? '' : 's'}`
}

function folderOnly({ id: _id, label: _label, warning: _warning, ...folder }: SourceHealth) {
  return folder
}

function noFolder(): WatchFolderHealth {
  return {
    path: null,
    newest_backup: null,
    modified: null,
    age_seconds: null,
    ok: false,
    problem: 'no Fermentrack folder is watched (add one with `sources add`, or give --dir)',
  }
}

function lastVerify(run: VerifyRun | undefined): LastVerify | null {
  if (!run) return null
  return { at: run.at, ok: !verifyFailed(run), outcome: run.outcome, reason: run.reason }
}

async function watchFolderHealth(
  dir: string,
  inputs: HealthInputs,
  ageOf: (ms: number) => number,
): Promise<WatchFolderHealth> {
  const none = { newest_backup: null, modified: null, age_seconds: null, ok: false }
  const path = resolve(dir)
  try {
    const found = await newestBackup(path, inputs)
    if (!found) {
      const { mtimeMs } = await stat(path)
      return { path, ...none, problem: 'no backup file in it', empty_for_seconds: ageOf(mtimeMs) }
    }
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
