const timeOnly = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' })
const dayMonth = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' })
const dayMonthYear = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' })
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' })
const dateAndMinute = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
})

/** Compact, as file managers do: the time today, the day this year, the date before. */
export function formatWhen(epochMs: number, now = Date.now()): string {
  const date = new Date(epochMs)
  const today = new Date(now)
  if (date.toDateString() === today.toDateString()) return timeOnly.format(date)
  if (date.getFullYear() === today.getFullYear()) return dayMonth.format(date)
  return dayMonthYear.format(date)
}

export function formatFullTime(epochMs: number): string {
  return full.format(new Date(epochMs))
}

/** A date and time to the minute: a backup's stamp has no use for seconds in a list. */
export function formatDateTime(epochMs: number): string {
  return dateAndMinute.format(new Date(epochMs))
}
