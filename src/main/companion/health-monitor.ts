import { EventEmitter } from 'node:events'
import { durationSeconds } from '../../shared/duration.ts'
import type { HealthView } from '../../shared/ipc-contract.ts'
import type { Engine } from '../engine.ts'
import { healthReport } from '../health/health-report.ts'
import { LOCAL_DESTINATION_ID } from '../../shared/provider-settings.ts'
import { healthAlerts, lastBackupAt, type DestinationInfo } from './health-alerts.ts'

/** Silence is measured in days: a look every five minutes is plenty, and costs one readdir. */
export const HEALTH_INTERVAL_MS = 5 * 60_000
const DEFAULT_MAX_AGE_SECONDS = 2 * 86_400

export interface HealthMonitorOptions {
  engine: Pick<Engine, 'settings' | 'connections' | 'uploads' | 'providers' | 'log' | 'verify'>
  now?: () => number
  intervalMs?: number
}

/**
 * Computes the health report (as the CLI's `health` does) on a timer and when asked (after each
 * finished upload), and says `changed` when its alerts or the last backup time change.
 */
export class HealthMonitor extends EventEmitter<{ changed: [HealthView] }> {
  private readonly options: HealthMonitorOptions
  private readonly now: () => number
  private latest: HealthView | undefined
  private running: Promise<HealthView> | undefined
  private again = false
  private timer: NodeJS.Timeout | undefined

  constructor(options: HealthMonitorOptions) {
    super()
    this.options = options
    this.now = options.now ?? Date.now
  }

  start(): void {
    if (this.timer) return
    this.timer = setInterval(
      () => void this.refresh(),
      this.options.intervalMs ?? HEALTH_INTERVAL_MS,
    )
    this.timer.unref()
    void this.refresh()
  }

  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  /** The latest view, computed now if there is none yet. */
  async current(): Promise<HealthView> {
    return this.latest ?? this.refresh()
  }

  /** Computes afresh; calls during a run share one more run after it, never pile up. */
  refresh(): Promise<HealthView> {
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = this.compute().finally(() => {
      this.running = undefined
      if (this.again) {
        this.again = false
        void this.refresh()
      }
    })
    return this.running
  }

  private async compute(): Promise<HealthView> {
    const { settings, uploads, connections, log } = this.options.engine
    const s = settings.get()
    const now = this.now()
    try {
      const report = await healthReport({
        jobs: uploads.store,
        destinations: uploads.destinations(),
        providerOf: (id) => connections.providerOf(id),
        lastVerify: (id) => this.options.engine.verify.runs.last(id),
        sources: s.sources.map(({ id, label, folder }) => ({ id, label, folder })),
        patterns: s.patterns,
        recursive: s.includeSubfolders,
        maxAgeSeconds: durationSeconds(s.alertAfter) ?? DEFAULT_MAX_AGE_SECONDS,
        now,
      })
      const view: HealthView = {
        alerts: healthAlerts(report, await this.destinationInfo(), now),
        lastBackupAt: lastBackupAt(report),
        checkedAt: now,
      }
      this.publish(view)
      return view
    } catch (error) {
      log.warn('could not check health', { error })
      return this.latest ?? { alerts: [], lastBackupAt: null, checkedAt: now }
    }
  }

  private publish(view: HealthView): void {
    const before = this.latest
    this.latest = view
    const same =
      before !== undefined &&
      before.lastBackupAt === view.lastBackupAt &&
      JSON.stringify(before.alerts) === JSON.stringify(view.alerts)
    if (!same) this.emit('changed', view)
  }

  /** Each destination as the window names it: "<provider> · <account>", or the folder's name. */
  private async destinationInfo(): Promise<Map<string, DestinationInfo>> {
    const { connections, providers } = this.options.engine
    const names = new Map((await providers.list()).map((p) => [p.provider_id, p.display_name]))
    const info = new Map<string, DestinationInfo>()
    for (const c of connections.list()) {
      const provider = names.get(c.provider) ?? c.provider
      const label = c.account.name ? `${provider} · ${c.account.name}` : provider
      info.set(c.id, { label, since: Date.parse(c.created) || null })
    }
    const folder = names.get(LOCAL_DESTINATION_ID) ?? 'the backup folder'
    info.set(LOCAL_DESTINATION_ID, { label: folder, since: null })
    return info
  }
}
