/**
 * Durations as people type them for cron jobs: a whole number and one unit, s/m/h/d ("90m",
 * "36h", "2d"). One unit keeps the format obvious and the error message short; no library needed.
 */
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const

export const DURATION = /^(\d+)([smhd])$/

export const DURATION_HINT = 'a whole number and a unit: s, m, h or d (e.g. "90m", "36h", "2d")'

/** Seconds in a duration, or undefined when it is not one (or is zero). */
export function durationSeconds(text: string): number | undefined {
  const match = DURATION.exec(text.trim())
  if (!match) return undefined
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS]
  return seconds > 0 && Number.isSafeInteger(seconds) ? seconds : undefined
}

/** An age said the short way: "45s", "12m", "5h", "3d". */
export function formatAge(seconds: number): string {
  if (seconds < 60) return `${Math.floor(seconds)}s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`
  return `${Math.floor(seconds / 86_400)}d`
}
