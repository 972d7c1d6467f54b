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
  const named = report.sources.length > 1
  for (const source of report.sources) {
    // A folder chosen (or made) lately has had no chance to get a backup yet: not a silence.
    const justSet = (source.empty_for_seconds ?? Infinity) <= report.max_age_seconds
    if (source.path !== null && !source.ok && !justSet)
      alerts.push({ key: `source:${source.id ?? source.path}`, ...sourceAlert(source, named) })
  }
  // What Fermentrack wrote last, anywhere: a destination holding it has nothing to catch up on.
  const written = report.sources.map((w) => (w.modified === null ? NaN : Date.parse(w.modified)))
  const newestWritten = written.some((t) => !Number.isNaN(t))
    ? Math.max(...written.filter((t) => !Number.isNaN(t)))
    : null
  for (const d of report.destinations) {
    const info = destinations.get(d.connection_id)
    const label = info?.label ?? d.connection_id
    if (d.last_verify && !d.last_verify.ok)
      alerts.push({
        key: `verify:${d.connection_id}`,
        severity: 'error',
        message: `The last restore check at ${label} failed (${d.last_verify.reason ?? d.last_verify.outcome}): restore an older backup from Backups to be sure of it, and check that storage for damage.`,
      })
    const silence = silenceAt(d, label, info?.since ?? null, newestWritten, report, now)
    if (silence)
      alerts.push({ key: `destination:${d.connection_id}`, severity: 'warning', message: silence })
  }
  return alerts
}

/** Why a destination is behind, in one sentence; null when it is not. */
function silenceAt(
  d: HealthReport['destinations'][number],
  label: string,
  since: number | null,
  newestWritten: number | null,
  report: HealthReport,
  now: number,
): string | null {
  if (d.age_seconds !== null && d.age_seconds <= report.max_age_seconds) return null
  const lastUpload = d.last_verified_upload === null ? null : Date.parse(d.last_verified_upload)
  // When Fermentrack itself fell silent, a destination with its newest backup is not behind:
  // the Fermentrack's alert names the cause, and the destination has nothing to catch up on.
  if (lastUpload !== null && newestWritten !== null && lastUpload >= newestWritten) return null
  if (d.age_seconds !== null)
    return `Nothing reached ${label} for ${silenceInWords(d.age_seconds)}: check the upload history for failures and that the account is still connected.`
  // A destination connected a moment ago has had no chance yet; one connected long ago has.
  if (since !== null && now - since > report.max_age_seconds * 1000)
    return `Nothing has reached ${label} since it was connected ${silenceInWords((now - since) / 1000)} ago: check the upload history for failures.`
  return null
}

/** A silent Fermentrack: named by its label when there are several. */
function sourceAlert(
  source: HealthReport['sources'][number],
  named: boolean,
): Omit<HealthAlertView, 'key'> {
  const where = named ? ` in ${source.label}` : ''
  if (source.age_seconds !== null)
    return {
      severity: 'warning',
      message: `No new Fermentrack backup for ${silenceInWords(source.age_seconds)}${where}: check that Fermentrack's backups are on.`,
    }
  if (source.problem === 'no backup file in it')
    return {
      severity: 'warning',
      message: `No Fermentrack backup in ${source.path} yet: check that Fermentrack's backups are on and saved to this folder.`,
    }
  return {
    severity: 'error',
    message: `The backups folder ${source.path} cannot be checked, ${source.problem ?? 'for an unknown reason'}: check that its drive or share is mounted.`,
  }
}
