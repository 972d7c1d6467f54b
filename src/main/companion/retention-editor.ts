import type { RetentionPreview, RetentionView } from '../../shared/ipc-contract.ts'
import { AppError } from '../../shared/app-error.ts'
import type { RetentionPolicy, Settings } from '../../shared/settings-schema.ts'
import type { Engine } from '../engine.ts'
import type { Kept, Removal } from '../retention/plan.ts'
import {
  checkedDestination,
  planFolder,
  pruneTargets,
  removePlanned,
  type DestinationPlan,
  type PruneDeps,
} from '../retention/prune.ts'

export interface RetentionSave {
  connectionId?: string
  /** Null drops a destination's own policy, so the default applies there again. */
  policy: RetentionPolicy | null
}

/**
 * The window's retention editor behind the contract: the saved policies, a preview of a draft
 * policy planned exactly as prune plans it (but never deleting), and saving as the CLI's
 * `retention` does. Deletion stays with prune: after a verified upload, or `prune`.
 */
export class RetentionEditor {
  private readonly engine: Pick<Engine, 'settings' | 'connections' | 'uploads' | 'log'>
  private readonly now: () => number

  constructor(engine: RetentionEditor['engine'], now: () => number = Date.now) {
    this.engine = engine
    this.now = now
  }

  view(): RetentionView {
    return retentionView(this.engine.settings.get())
  }

  async preview(connectionId: string, policy: RetentionPolicy): Promise<RetentionPreview> {
    const id = checkedDestination(this.engine.connections, connectionId)
    return previewOf(id, this.engine.connections.targetOf(id), await this.plan(id, policy))
  }

  /**
   * Prune now: plans with the saved policy and deletes only if that plan removes exactly the
   * backups the user confirmed. A backup uploaded or a policy saved since the preview changes
   * the list, and then nothing is deleted: the user confirms what is deleted, never a guess.
   */
  async pruneNow(connectionId: string, confirmed: readonly string[]) {
    const id = checkedDestination(this.engine.connections, connectionId)
    const planned = await this.plan(id)
    const planPaths = planned.flatMap((p) => (p.plan?.remove ?? []).map((r) => r.backup.path))
    const wanted = new Set(confirmed)
    if (planPaths.length !== wanted.size || !planPaths.every((path) => wanted.has(path)))
      throw new AppError('prune_list_changed')
    for (const folder of planned) await removePlanned(this.deps(), folder)
    const after = previewOf(id, this.engine.connections.targetOf(id), await this.plan(id))
    return { removed: planPaths.length, preview: after }
  }

  /** Each remote folder at the destination (one per Fermentrack), planned as prune plans it. */
  private async plan(id: string, draft?: RetentionPolicy): Promise<DestinationPlan[]> {
    const deps = this.deps()
    const targets = pruneTargets(this.engine.settings.get(), this.engine.connections, id)
    const plans: DestinationPlan[] = []
    for (const target of targets) plans.push(await planFolder(deps, target, draft))
    return plans
  }

  save({ connectionId, policy }: RetentionSave): RetentionView {
    const id = connectionId && checkedDestination(this.engine.connections, connectionId)
    this.engine.settings.update((s) => {
      if (!id) return { ...s, retention: policy ?? {} }
      const overrides = { ...s.retentionOverrides }
      if (policy === null) delete overrides[id]
      else overrides[id] = policy
      return { ...s, retentionOverrides: overrides }
    })
    this.engine.log.info('retention set', { connection: id || 'default', policy })
    return this.view()
  }

  private deps(): PruneDeps {
    const { settings, connections, uploads, log } = this.engine
    return { settings, connections, jobs: uploads.store, log, now: this.now }
  }
}

export function retentionView(settings: Settings): RetentionView {
  return { retention: settings.retention, overrides: settings.retentionOverrides }
}

/** The destination's folders together: a Fermentrack's own folder names it on each backup. */
function previewOf(
  connectionId: string,
  folder: string,
  plans: DestinationPlan[],
): RetentionPreview {
  const on = plans.some((p) => p.plan !== null)
  const each = <T>(pick: (p: DestinationPlan) => T[]) => plans.flatMap(pick)
  return {
    connectionId,
    folder,
    on,
    remove: each((p) => (p.plan?.remove ?? []).map((r) => removedView(r, p))),
    keep: each((p) => (p.plan?.keep ?? []).map((k) => keptView(k, p))),
    ignored: plans.reduce((n, p) => n + (p.plan?.ignored.length ?? 0), 0),
  }
}

function backupView(backup: Removal['backup'], { source }: DestinationPlan) {
  return {
    name: backup.name,
    path: backup.path,
    source: source?.label ?? null,
    time: backup.time,
    verified: backup.verified,
  }
}

function removedView({ backup, rule }: Removal, plan: DestinationPlan) {
  return { ...backupView(backup, plan), why: rule }
}

function keptView({ backup, reasons }: Kept, plan: DestinationPlan) {
  return { ...backupView(backup, plan), why: reasons.join(', ') }
}
