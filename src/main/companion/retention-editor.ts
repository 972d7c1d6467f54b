import type { RetentionPreview, RetentionView } from '../../shared/ipc-contract.ts'
import { AppError } from '../../shared/app-error.ts'
import type { RetentionPolicy, Settings } from '../../shared/settings-schema.ts'
import type { Engine } from '../engine.ts'
import type { Kept, Removal } from '../retention/plan.ts'
import {
  checkedDestination,
  planDestination,
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
    return previewOf(await planDestination(this.deps(), id, policy))
  }

  /**
   * Prune now: plans with the saved policy and deletes only if that plan removes exactly the
   * backups the user confirmed. A backup uploaded or a policy saved since the preview changes
   * the list, and then nothing is deleted: the user confirms what is deleted, never a guess.
   */
  async pruneNow(connectionId: string, confirmed: readonly string[]) {
    const id = checkedDestination(this.engine.connections, connectionId)
    const deps = this.deps()
    const planned = await planDestination(deps, id)
    const planNames = (planned.plan?.remove ?? []).map((r) => r.backup.name)
    const wanted = new Set(confirmed)
    if (planNames.length !== wanted.size || !planNames.every((name) => wanted.has(name)))
      throw new AppError('prune_list_changed')
    await removePlanned(deps, planned)
    const after = await planDestination(deps, id)
    return { removed: planNames.length, preview: previewOf(after) }
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

function previewOf({ connectionId, folder, plan }: DestinationPlan): RetentionPreview {
  return {
    connectionId,
    folder,
    on: plan !== null,
    remove: (plan?.remove ?? []).map(removedView),
    keep: (plan?.keep ?? []).map(keptView),
    ignored: plan?.ignored.length ?? 0,
  }
}

function removedView({ backup, rule }: Removal) {
  return { name: backup.name, time: backup.time, verified: backup.verified, why: rule }
}

function keptView({ backup, reasons }: Kept) {
  return {
    name: backup.name,
    time: backup.time,
    verified: backup.verified,
    why: reasons.join(', '),
  }
}
