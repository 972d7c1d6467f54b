const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

const words = new Intl.RelativeTimeFormat('en', { numeric: 'always' })

/**
 * "just now", "5 minutes ago", "2 hours ago", "3 days ago": how long ago, in the largest whole
 * unit, as the Uploads header says it. English like the rest of the window.
 */
export function relativeTime(epochMs: number, now: number): string {
  const ago = Math.max(0, now - epochMs)
  if (ago < MINUTE) return 'just now'
  if (ago < HOUR) return words.format(-Math.floor(ago / MINUTE), 'minute')
  if (ago < DAY) return words.format(-Math.floor(ago / HOUR), 'hour')
  return words.format(-Math.floor(ago / DAY), 'day')
}

/** How long until the text above can change: the header re-renders then, not every second. */
export function nextChangeIn(epochMs: number, now: number): number {
  const ago = Math.max(0, now - epochMs)
  const unit = ago < HOUR ? MINUTE : ago < DAY ? HOUR : DAY
  return unit - (ago % unit)
}
