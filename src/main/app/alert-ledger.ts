// When each health alert was last notified, kept in the app's home so a restart does not say
// the same thing again: one notification a day per alert, however often the monitor looks.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { HealthAlertView } from '../../shared/ipc-contract.ts'

export const ALERT_REPEAT_MS = 24 * 60 * 60 * 1000

export class AlertLedger {
  private readonly file: string
  private readonly now: () => number
  private notified: Record<string, number> | undefined

  constructor(file: string, now: () => number = Date.now) {
    this.file = file
    this.now = now
  }

  /** The alerts due a notification now (none in the last day), recorded as notified. */
  take(alerts: readonly HealthAlertView[]): HealthAlertView[] {
    const notified = this.load()
    const now = this.now()
    const due = alerts.filter((a) => !(now - (notified[a.key] ?? -Infinity) < ALERT_REPEAT_MS))
    if (due.length === 0) return []
    for (const alert of due) notified[alert.key] = now
    // Entries a day old decide nothing any more: the file keeps only what still counts.
    for (const [key, at] of Object.entries(notified))
      if (now - at >= ALERT_REPEAT_MS) delete notified[key]
    this.save(notified)
    return due
  }

  private load(): Record<string, number> {
    if (this.notified) return this.notified
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as unknown
      this.notified = isLedger(parsed) ? parsed : {}
    } catch {
      // Missing or unreadable: at worst one alert is said again today.
      this.notified = {}
    }
    return this.notified
  }

  /** Written beside and renamed into place, so a crash mid-write never leaves half a file. */
  private save(notified: Record<string, number>): void {
    mkdirSync(path.dirname(this.file), { recursive: true })
    const temp = `${this.file}.tmp`
    writeFileSync(temp, JSON.stringify(notified))
    renameSync(temp, this.file)
  }
}

function isLedger(value: unknown): value is Record<string, number> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'number' && Number.isFinite(v))
  )
}
