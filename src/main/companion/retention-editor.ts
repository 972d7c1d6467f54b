import type {
  RetentionPreview,
  RetentionView,
} from '../../shared/ipc-contract.ts'
import type { RetentionPolicy, Settings } from '../../shared/settings-schema.ts'
import type { Engine } from '../engine.ts'
import type { Kept, Removal } from '../retention/plan.ts'
import { checkedDestination, planDestination, type PruneDeps } from '../retention/prune.ts'

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
    const { folder, plan } = await planDestination(this.deps(), id, policy)
    return {
      connectionId: id,
      folder,
      on: plan !== null,
      remove: (plan?.remove ?? []).map(removedView),
      keep: (plan?.keep ?? []).map(keptView),
      ignored: plan?.ignored.length ?? 0,
    }
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

function removedView({ backup, rule }: Removal) {
  return { name: backup.name, time: backup.time, verified: backup.verified, why: rule }
}

function keptView({ backup, reasons }: Kept) {
  return { name: backup.name, time: backup.time, verified: backup.verified, why: reasons.join(', ') }
}
