import type { Job } from '../uploads/job-types.ts'
import { activeRules } from './plan.ts'
import { policyFor, pruneFolder, pruneTargets, type PruneDeps, type PruneTarget } from './prune.ts'

/** A folder's prune under way, and whether uploads finished meanwhile asked for another. */
interface Running {
  done: Promise<void>
  again: boolean
}

/**
 * Prunes a destination's folder after each verified upload to it, where retention is on there
 * (issue #10: "after each verified upload, pruning runs automatically"). One prune at a time per
 * destination and folder: however many uploads finish during a prune, they ask for one more run
 * after it, not one each. Failures are only logged: the upload itself succeeded, and the next one
 * tries again.
 */
export class AutoPrune {
  private readonly deps: PruneDeps
  private readonly running = new Map<string, Running>()

  constructor(deps: PruneDeps) {
    this.deps = deps
  }

  /** Called with every job event; acts only on a verified upload where retention is on. */
  jobFinished(job: Job): void {
    if (job.state !== 'done' || job.contentHash === null) return
    const settings = this.deps.settings.get()
    if (activeRules(policyFor(settings, job.connectionId)).length === 0) return
    // The folder the job's file went to, named after its source where it is one's own.
    const known = pruneTargets(settings, this.deps.connections, job.connectionId)
    const source = known.find((t) => t.folder === job.remoteFolder)?.source ?? null
    this.request({ connectionId: job.connectionId, folder: job.remoteFolder, source })
  }

  /** Resolves once no prune is running or waiting. */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((r) => r.done))
  }

  private request(target: PruneTarget): void {
    const key = `${target.connectionId}\n${target.folder}`
    const current = this.running.get(key)
    if (current) {
      current.again = true
      return
    }
    const entry: Running = { done: Promise.resolve(), again: true }
    entry.done = this.drain(target, entry).finally(() => this.running.delete(key))
    this.running.set(key, entry)
  }

  private async drain(target: PruneTarget, entry: Running): Promise<void> {
    while (entry.again) {
      entry.again = false
      try {
        await pruneFolder(this.deps, target, false)
      } catch (error) {
        this.deps.log.warn('automatic prune failed', {
          connection: target.connectionId,
          folder: target.folder,
          error,
        })
      }
    }
  }
}
