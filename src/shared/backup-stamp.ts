/**
 * The time of a Fermentrack backup, and the calendar buckets retention counts it in.
 *
 * Fermentrack stamps each archive with the Pi's wall-clock time and no zone
 * ("fermentrack_backup-2026-12-06T05.51.49.tar.xz"). The companion runs beside the Pi, in the
 * same zone, so the stamp is read as local time here. Days, weeks and months are local too, as
 * restic's `forget` counts each snapshot in the zone it was taken in: a backup at 23:30 and one at
 * 00:30 the next morning are two days, whatever the UTC date says.
 */

const STAMP = /(\d{4})-(\d{2})-(\d{2})T(\d{2})\.(\d{2})\.(\d{2})/

/** The stamp in a backup's name as local time, or null when there is none or it is no date. */
export function stampTime(name: string): number | null {
  const match = STAMP.exec(name)
  if (!match) return null
  const [y, mo, d, h, mi, s] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  if (h > 23 || mi > 59 || s > 59) return null
  const date = new Date(y, mo - 1, d, h, mi, s)
  // The Date constructor rolls "02-31" over into March: such a name is not a date. (A wall-clock
  // time skipped by a DST change, 02:30 on spring-forward day, moves an hour on: same day.)
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d) return null
  return date.getTime()
}

/** The backup's time: the stamp in its name, else the server's modified time, else null. */
export function backupTime(name: string, modified: string | null | undefined): number | null {
  const stamped = stampTime(name)
  if (stamped !== null) return stamped
  const parsed = modified ? Date.parse(modified) : NaN
  return Number.isNaN(parsed) ? null : parsed
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** The local calendar day, "2026-12-06". */
export function localDay(time: number): string {
  const date = new Date(time)
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}

/** The local calendar month, "2026-12". */
export function localMonth(time: number): string {
  const date = new Date(time)
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}`
}

/**
 * The ISO 8601 week of the local day, "2026-W49", with the ISO week-numbering year (as Go's
 * ISOWeek, which restic's weekly bucket uses): Monday to Sunday, week 1 holds the year's first
 * Thursday, so the days around New Year fall in one week.
 */
export function localIsoWeek(time: number): string {
  const local = new Date(time)
  // Count whole calendar days on a UTC copy of the local date: a 23- or 25-hour DST day can't
  // then shift a day across a boundary.
  const day = Date.UTC(local.getFullYear(), local.getMonth(), local.getDate())
  const DAY_MS = 86_400_000
  const weekday = (new Date(day).getUTCDay() + 6) % 7
  const thursday = day + (3 - weekday) * DAY_MS
  const year = new Date(thursday).getUTCFullYear()
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1
  return `${year}-W${pad(week)}`
}
