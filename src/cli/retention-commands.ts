import { AppError } from '../shared/app-error.ts'
import type { RetentionPolicy } from '../shared/settings-schema.ts'
import type { Engine } from '../main/engine.ts'
import { describePolicy } from '../main/retention/plan.ts'
import {
  checkedDestination,
  policyFor,
  prune,
  pruneTargets,
  type DestinationPlan,
} from '../main/retention/prune.ts'
import { printJson } from './output.ts'

/** Each retention flag and the policy key it sets. */
const FLAGS = {
  'keep-last': 'keepLast',
  'keep-days': 'keepDays',
  'keep-daily': 'keepDaily',
  'keep-weekly': 'keepWeekly',
  'keep-monthly': 'keepMonthly',
} as const
type Flag = keyof typeof FLAGS

export const RETENTION_FLAGS = {
  'keep-last': { type: 'string' },
  'keep-days': { type: 'string' },
  'keep-daily': { type: 'string' },
  'keep-weekly': { type: 'string' },
  'keep-monthly': { type: 'string' },
  off: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
} as const

export type RetentionOptions = Partial<Record<Flag, string> & Record<'off' | 'dry-run', boolean>>

/** The change the flags ask for, checked before anything is saved; null when they ask none. */
function requestedChange(options: RetentionOptions): RetentionPolicy | 'off' | null {
  const given = (Object.keys(FLAGS) as Flag[]).filter((flag) => options[flag] !== undefined)
  if (options.off && given.length > 0)
    throw new AppError('usage', `--off cannot be combined with --${given[0]}.`)
  if (options.off) return 'off'
  if (given.length === 0) return null
  const change: RetentionPolicy = {}
  for (const flag of given) {
    const text = options[flag]!
    if (!/^[1-9]\d{0,4}$/.test(text))
      throw new AppError(
        'usage',
        `--${flag} must be a whole number from 1 to 99999, not "${text}".`,
      )
    change[FLAGS[flag]] = Number(text)
  }
  return change
}

/** Shows or changes the default policy, or one destination's own. */
export function retentionCommand(
  engine: Engine,
  options: RetentionOptions & { connection?: string; json: boolean },
): void {
  const change = requestedChange(options)
  const id = options.connection && checkedDestination(engine.connections, options.connection)
  if (change !== null) {
    engine.settings.update((s) => {
      const current = id ? (s.retentionOverrides[id] ?? {}) : s.retention
      // --off on a destination is an override of its own, so the default no longer applies there.
      const next = change === 'off' ? {} : { ...current, ...change }
      return id
        ? { ...s, retentionOverrides: { ...s.retentionOverrides, [id]: next } }
        : { ...s, retention: next }
    })
    engine.log.info('retention set', { connection: id || 'default', policy: change })
  }
  const settings = engine.settings.get()
  // The remote folders each policy is applied to, one per Fermentrack, each counted on its own.
  const folders = (ids: string[]) =>
    ids.flatMap((d) =>
      pruneTargets(settings, engine.connections, d).map((t) => ({
        connection_id: d,
        folder: t.folder,
        source: t.source,
      })),
    )
  if (id) {
    const policy = policyFor(settings, id)
    const own = id in settings.retentionOverrides
    if (options.json)
      return printJson({ connection_id: id, policy, override: own, folders: folders([id]) })
    process.stdout.write(`${id}: ${describePolicy(policy)}${own ? '' : ' (the default)'}\n`)
    return
  }
  if (options.json)
    return printJson({
      retention: settings.retention,
      overrides: settings.retentionOverrides,
      folders: folders(engine.connections.destinations()),
    })
  const lines = [
    `Default: ${describePolicy(settings.retention)}`,
    ...Object.entries(settings.retentionOverrides).map(([c, p]) => `${c}: ${describePolicy(p)}`),
  ]
  process.stdout.write(lines.join('\n') + '\n')
}

/** Lists what each destination's policy removes and why; deletes it unless --dry-run. */
export async function pruneCommand(
  engine: Engine,
  options: RetentionOptions & { connection?: string; json: boolean },
): Promise<void> {
  const ids = options.connection
    ? [checkedDestination(engine.connections, options.connection)]
    : engine.connections.destinations()
  if (ids.length === 0) throw new AppError('no_destination')
  const dryRun = options['dry-run'] ?? false
  const deps = {
    settings: engine.settings,
    connections: engine.connections,
    jobs: engine.uploads.store,
    log: engine.log,
    now: Date.now,
  }
  const plans = await prune(deps, ids, dryRun)
  if (options.json) return printJson({ dry_run: dryRun, destinations: plans.map(planJson) })
  // Retention is off per destination: said once, not once for each source's folder there.
  const shown = plans.filter(
    (p, i) => p.plan || plans.findIndex((q) => q.connectionId === p.connectionId) === i,
  )
  process.stdout.write(shown.flatMap((p) => planLines(p, dryRun)).join('\n') + '\n')
}

function planJson({ connectionId, folder, source, policy, plan }: DestinationPlan) {
  return {
    connection_id: connectionId,
    folder,
    source: source ? { id: source.id, label: source.label } : null,
    policy,
    keep: plan?.keep.map((k) => ({ name: k.backup.name, path: k.backup.path, reasons: k.reasons })),
    remove: (plan?.remove ?? []).map((r) => ({
      name: r.backup.name,
      path: r.backup.path,
      rule: r.rule,
    })),
  }
}

function planLines(planned: DestinationPlan, dryRun: boolean) {
  const { connectionId, folder, source, policy, plan } = planned
  if (!plan) return [`${connectionId}: retention is off; nothing to prune.`]
  const verb = dryRun ? 'would remove' : 'removed'
  const whose = source ? ` (${source.label})` : ''
  return [
    `${connectionId} ${folder}${whose}: ${describePolicy(policy)}; ${verb} ${plan.remove.length}, keeping ${plan.keep.length}.`,
    ...plan.remove.map((r) => `  ${verb} ${r.backup.name}  (pruned by ${r.rule})`),
    ...plan.keep.map((k) => `  keep ${k.backup.name}  (${k.reasons.join(', ')})`),
  ]
}
