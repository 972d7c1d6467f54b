import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError, isAppError } from '../../shared/app-error.ts'
import type { RemoteBackups } from '../restore/remote-backups.ts'
import type { RestoreResult } from '../restore/restore-backup.ts'
import type { VerifyRun, VerifyRuns } from './verify-runs.ts'

export interface VerifyDeps {
  backups: Pick<RemoteBackups, 'list' | 'restore'>
  runs: Pick<VerifyRuns, 'record'>
  /** The app's home: the downloads go to a folder inside it, never to the user's. */
  home: string
  now: () => number
}

/**
 * The "test your restores" habit: downloads a destination's newest `sample` backups into a
 * folder inside the home, checks each exactly as a restore does, deletes them, and records the
 * outcome. A damaged copy or a failed download is recorded too: that is what the check is for.
 */
export async function verifyNewest(
  deps: VerifyDeps,
  connectionId: string,
  sample: number,
): Promise<VerifyRun> {
  if (!Number.isInteger(sample) || sample < 1)
    throw new AppError('usage', `--sample must be a whole number of backups, 1 or more.`)
  const run = await checkNewest(deps, connectionId, sample)
  deps.runs.record(run)
  return run
}

async function checkNewest(
  deps: VerifyDeps,
  connectionId: string,
  sample: number,
): Promise<VerifyRun> {
  const names: string[] = []
  const done = (outcome: VerifyRun['outcome'], reason: string | null): VerifyRun => ({
    connection_id: connectionId,
    at: new Date(deps.now()).toISOString(),
    names,
    outcome,
    reason,
  })
  const root = join(deps.home, 'verifying')
  await mkdir(root, { recursive: true })
  await sweepAbandoned(root, deps.now())
  const folder = await mkdtemp(join(root, 'run-'))
  try {
    const newest = (await deps.backups.list(connectionId)).slice(0, sample)
    if (newest.length === 0) return done('error', 'there is no backup at this destination')
    const results: RestoreResult[] = []
    for (const backup of newest) {
      names.push(backup.name)
      results.push(await deps.backups.restore(connectionId, backup.path, folder))
    }
    const unverified = results.find((r) => !r.verified)
    if (unverified)
      return done('size_only', `${nameOf(unverified)} was checked by ${unverified.verified_by}`)
    return { ...done('verified', null), checked_by: results.map((r) => r.verified_by) }
  } catch (error) {
    if (isAppError(error, 'usage') || isAppError(error, 'connection_not_found')) throw error
    const outcome = isAppError(error, 'restore_mismatch') ? 'mismatch' : 'error'
    return done(outcome, error instanceof Error ? error.message : String(error))
  } finally {
    await rm(folder, { recursive: true, force: true })
  }
}

/** A run killed mid-download (kill -9, power loss) never reached its `finally`. */
const ABANDONED_MS = 24 * 60 * 60 * 1000

/**
 * Deletes what such runs left. Only folders a day old go: a check running in another process
 * (the app and a `watch` at once) is far younger than that, so its download is never pulled away.
 */
async function sweepAbandoned(root: string, now: number): Promise<void> {
  for (const name of await readdir(root)) {
    if (!name.startsWith('run-')) continue
    const folder = join(root, name)
    const { mtimeMs } = await stat(folder).catch(() => ({ mtimeMs: now }))
    if (now - mtimeMs > ABANDONED_MS) await rm(folder, { recursive: true, force: true })
  }
}

function nameOf(result: RestoreResult): string {
  return result.remote_path.slice(result.remote_path.lastIndexOf('/') + 1)
}
