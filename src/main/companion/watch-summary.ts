import type { StatusView } from '../../shared/ipc-contract.ts'
import type { Source } from '../../shared/settings-schema.ts'
import type { WatchStatus } from '../watch/folder-watcher.ts'

type WatchView = StatusView['watch']

/**
 * The window shows one watch state: every source's watcher folded into it. A folder that is
 * missing wins (the user must act, and the message names that source's folder); then one still
 * starting; otherwise all are watched, shown by the first source's folder.
 */
export class WatchSummary {
  private readonly states = new Map<string, WatchView>()
  private order: string[] = []

  /** Starts over for a new set of sources, each "starting". */
  reset(sources: readonly Source[]): void {
    this.states.clear()
    this.order = sources.map((s) => s.id)
    for (const s of sources)
      this.states.set(s.id, { folder: s.folder, state: 'starting', error: null })
  }

  update(source: Source, status: WatchStatus): WatchView {
    const error = status.state === 'unavailable' ? status.error.toPayload() : null
    this.states.set(source.id, { folder: source.folder, state: status.state, error })
    return this.current()
  }

  current(): WatchView {
    const views = this.order.map((id) => this.states.get(id)!)
    if (views.length === 0) return { folder: null, state: 'off', error: null }
    return (
      views.find((v) => v.state === 'unavailable') ??
      views.find((v) => v.state === 'starting') ??
      views[0]!
    )
  }
}
