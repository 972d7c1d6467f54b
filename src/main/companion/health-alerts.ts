import type { HealthAlertView } from '../../shared/ipc-contract.ts'
import type { HealthReport } from '../health/health-report.ts'

/** What the alerts say about a destination: its name in the window, and since when it exists. */
export interface DestinationInfo {
  label: string
  /** When it was connected (epoch ms); null when unknown (the local folder). */
  since: number | null
}

const DAY = 86_400
const HOUR = 3600

/** "3 days", "1 day", "5 hours", "20 minutes": how long a silence has lasted, in words. */
export function silenceInWords(seconds: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
  if (seconds >= DAY) return unit(Math.floor(seconds / DAY), 'day')
  if (seconds >= HOUR) return unit(Math.floor(seconds / HOUR), 'hour')
  return unit(Math.max(1, Math.floor(seconds / 60)), 'minute')
}

/** When the newest verified upload anywhere finished, or null before the first. */
export function lastBackupAt(report: HealthReport): number | null {
  const times = report.destinations
    .map((d) => (d.last_verified_upload === null ? NaN : Date.parse(d.last_verified_upload)))
    .filter((time) => !Number.isNaN(time))
  return times.length === 0 ? null : Math.max(...times)
}

/**
 * The one place that reads the health report's shape: each silence worth an alarm, with its
 * cause and fix. A missing folder or destination is left to the setup checklist, not alarmed.
 */
export function healthAlerts(
  report: HealthReport,
  destinations: ReadonlyMap<string, DestinationInfo>,
  now: number,
): HealthAlertView[] {
  const alerts: HealthAlertView[] = []
  const watch = report.watch_folder
  const newestWritten = watch.modified === null ? null : Date.parse(watch.modified)
  if (watch.path !== null && !watch.ok) {
    alerts.push({ key: 'watch-folder', ...watchFolderAlert(watch) })
  }
  for (const d of report.destinations) {
    if (d.ok) continue
    const info = destinations.get(d.connection_id)
    const label = info?.label ?? d.connection_id
    const lastUpload = d.last_verified_upload === null ? null : Date.parse(d.last_verified_upload)
    // When Fermentrack itself fell silent, a destination with its newest backup is not behind:
    // the watch folder's alert names the cause, and the destination has nothing to catch up on.
    if (lastUpload !== null && newestWritten !== null && lastUpload >= newestWritten) continue
    if (d.age_seconds !== null) {
      alerts.push({
        key: `destination:${d.connection_id}`,
        severity: 'warning',
        message: `Nothing reached ${label} for ${silenceInWords(d.age_seconds)}: check the upload history for failures and that the account is still connected.`,
      })
      continue
    }
    // A destination connected a moment ago has had no chance yet; one connected long ago has.
    const since = info?.since ?? null
    if (since !== null && now - since > report.max_age_seconds * 1000)
      alerts.push({
        key: `destination:${d.connection_id}`,
        severity: 'warning',
        message: `Nothing has reached ${label} since it was connected ${silenceInWords((now - since) / 1000)} ago: check the upload history for failures.`,
      })
  }
  return alerts
}

function watchFolderAlert(watch: HealthReport['watch_folder']): Omit<HealthAlertView, 'key'> {
  if (watch.age_seconds !== null)
    return {
      severity: 'warning',
      message: `No new Fermentrack backup for ${silenceInWords(watch.age_seconds)}: check that Fermentrack's backups are on.`,
    }
  if (watch.problem === 'no backup file in it')
    return {
      severity: 'warning',
      message: `No Fermentrack backup in ${watch.path} yet: check that Fermentrack's backups are on and saved to this folder.`,
    }
  return {
    severity: 'error',
    message: `The backups folder ${watch.path} cannot be checked, ${watch.problem ?? 'for an unknown reason'}: check that its drive or share is mounted.`,
  }
}
