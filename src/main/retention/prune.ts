import { AppError, isAppError } from '../../shared/app-error.ts'
import { foldersAt } from '../../shared/remote-folder.ts'
import type { RetentionPolicy, Settings } from '../../shared/settings-schema.ts'
import type { ConnectionService } from '../auth/connection-service.ts'
import type { Logger } from '../log/logger.ts'
import type { JobStore } from '../uploads/job-store.ts'
import { activeRules, planRetention, type RetentionPlan } from './plan.ts'

export interface PruneDeps {
  settings: { get(): Settings }
  connections: ConnectionService
  jobs: JobStore
  log: Logger
  now: () => number
}

/** The Fermentrack whose backups a remote folder holds; null for the folder of dropped files. */
export interface PlannedSource {
  id: string
  label: string
}

export interface DestinationPlan {
  connectionId: string
  folder: string
  /** Whose backups these are, when the folder belongs to a source. */
  source?: PlannedSource | null
  policy: RetentionPolicy
  /** Null when retention is off here: the destination is not even listed. */
  plan: RetentionPlan | null
}

/** A destination's own policy where it has one, else the default for all. */
export function policyFor(settings: Settings, connectionId: string): RetentionPolicy {
  return settings.retentionOverrides[connectionId] ?? settings.retention
}

/** The destination, checked: a connection that exists, or the local folder when one is set. */
export function checkedDestination(connections: ConnectionService, id: string): string {
  if (connections.destinations().includes(id)) return id
  connections.get(id) // throws the usual "no connection with this id"
  throw new AppError('no_destination', `"${id}" is not a destination.`)
}

/** One remote folder at one destination, planned on its own. */
export interface PruneTarget {
  connectionId: string
  folder: string
  source: PlannedSource | null
}

/**
 * The remote folders retention looks after at a destination: each source's own folder, so one
 * Pi's backups never push out another's, and the destination's folder itself (where dropped files
 * and a source without a subfolder go), first.
 */
export function pruneTargets(
  settings: Settings,
  connections: Pick<ConnectionService, 'targetOf'>,
  id: string,
): PruneTarget[] {
  const at = foldersAt(connections.targetOf(id), settings.sources, id)
  return at.map(({ folder, source }) => ({ connectionId: id, folder, source }))
}

/** Lists one destination's backups folder and plans what its policy removes there. */
export async function planDestination(deps: PruneDeps, id: string): Promise<DestinationPlan> {
  return planFolder(deps, { connectionId: id, folder: deps.connections.targetOf(id), source: null })
}

/**
 * Lists one remote folder at a destination and plans what the destination's policy removes.
 * `draft` plans a policy not saved yet (the window's live preview) in place of the saved one.
 */
export async function planFolder(
  deps: PruneDeps,
  at: PruneTarget,
  draft?: RetentionPolicy,
): Promise<DestinationPlan> {
  const settings = deps.settings.get()
  const { connectionId: id, folder, source } = at
  const policy = draft ?? policyFor(settings, id)
  if (activeRules(policy).length === 0)
    return { connectionId: id, folder, source, policy, plan: null }
  const { provider, credentials, context } = await deps.connections.open(id)
  const listed = await provider.list(credentials, folder, context).catch((error: unknown) => {
    // A Fermentrack whose folder got no upload yet has no folder there: nothing to plan.
    if (isAppError(error, 'remote_not_found')) return []
    throw error
  })
  const verified = deps.jobs.verifiedNames(id, folder)
  // A copy still being uploaded or verified is left out: deleting it would fail its upload, and
  // it is planned (and marked in the history) after its upload is done.
  const open = deps.jobs.openNames(id, folder)
  const plan = planRetention({
    backups: listed
      .filter((entry) => !open.has(entry.name))
      .map((entry) => ({ ...entry, verified: verified.has(entry.name) })),
    policy,
    folder,
    patterns: settings.patterns,
    now: deps.now(),
  })
  return { connectionId: id, folder, source, policy, plan }
}

/**
 * Plans every chosen destination, each source's folder there on its own, and, unless this is a
 * dry run, deletes what each plan removes.
 */
export async function prune(
  deps: PruneDeps,
  ids: string[],
  dryRun: boolean,
): Promise<DestinationPlan[]> {
  const settings = deps.settings.get()
  const plans: DestinationPlan[] = []
  for (const id of ids) {
    for (const target of pruneTargets(settings, deps.connections, id))
      plans.push(await pruneFolder(deps, target, dryRun))
  }
  return plans
}

/** Plans one folder and, unless this is a dry run, deletes what the plan removes. */
export async function pruneFolder(
  deps: PruneDeps,
  target: PruneTarget,
  dryRun: boolean,
): Promise<DestinationPlan> {
  const planned = await planFolder(deps, target)
  if (!dryRun) await removePlanned(deps, planned)
  return planned
}

/**
 * Deletes what one folder's plan removes. Each deletion is logged with the rule that let it go,
 * and written to the history: a removal row for every file, ours or not, and a mark on the
 * uploads that put it there. A failed deletion stops there (the error says why) after what was
 * already deleted is recorded.
 */
export async function removePlanned(deps: PruneDeps, planned: DestinationPlan): Promise<void> {
  if (!planned.plan || planned.plan.remove.length === 0) return
  const id = planned.connectionId
  const { provider, credentials, context } = await deps.connections.open(id)
  for (const { backup, rule } of planned.plan.remove) {
    await provider.remove(credentials, backup.path, context)
    deps.log.info('pruned', {
      connection: id,
      source: planned.source?.label,
      path: backup.path,
      rule: `pruned by ${rule}`,
    })
    const { folder } = planned
    const deletion = { connectionId: id, folder, name: backup.name, path: backup.path, rule }
    deps.jobs.markPruned(deletion, deps.now())
  }
}
