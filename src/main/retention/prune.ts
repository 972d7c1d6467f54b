import { AppError } from '../../shared/app-error.ts'
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

export interface DestinationPlan {
  connectionId: string
  folder: string
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

/**
 * Lists one destination's backups folder and plans what its policy removes there. `draft` plans
 * a policy not saved yet (the window's live preview) in place of the saved one.
 */
export async function planDestination(
  deps: PruneDeps,
  id: string,
  draft?: RetentionPolicy,
): Promise<DestinationPlan> {
  const settings = deps.settings.get()
  const policy = draft ?? policyFor(settings, id)
  const folder = deps.connections.targetOf(id)
  if (activeRules(policy).length === 0) return { connectionId: id, folder, policy, plan: null }
  const { provider, credentials, context } = await deps.connections.open(id)
  const listed = await provider.list(credentials, folder, context)
  const verified = deps.jobs.verifiedNames(id, folder)
  const plan = planRetention({
    backups: listed.map((entry) => ({ ...entry, verified: verified.has(entry.name) })),
    policy,
    folder,
    patterns: settings.patterns,
    now: deps.now(),
  })
  return { connectionId: id, folder, policy, plan }
}

/**
 * Plans every chosen destination and, unless this is a dry run, deletes what each plan removes.
 * Each deletion is logged with the rule that let it go, and marked on its uploads in the history. A failed deletion stops that
 * destination (the error says why) after what was already deleted is logged.
 */
export async function prune(
  deps: PruneDeps,
  ids: string[],
  dryRun: boolean,
): Promise<DestinationPlan[]> {
  const plans: DestinationPlan[] = []
  for (const id of ids) {
    const planned = await planDestination(deps, id)
    plans.push(planned)
    if (!dryRun) await removePlanned(deps, planned)
  }
  return plans
}

/** Deletes what one destination's plan removes, logging each with its rule and marking it. */
export async function removePlanned(deps: PruneDeps, planned: DestinationPlan): Promise<void> {
  if (!planned.plan || planned.plan.remove.length === 0) return
  const id = planned.connectionId
  const { provider, credentials, context } = await deps.connections.open(id)
  for (const { backup, rule } of planned.plan.remove) {
    await provider.remove(credentials, backup.path, context)
    deps.log.info('pruned', { connection: id, path: backup.path, rule: `pruned by ${rule}` })
    const deletion = { connectionId: id, folder: planned.folder, name: backup.name, rule }
    deps.jobs.markPruned(deletion, deps.now())
  }
}
