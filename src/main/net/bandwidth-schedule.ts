import type { BandwidthSchedule } from '../../shared/upload-limit.ts'

const DAY_MINUTES = 24 * 60

function minutes(clock: string): number {
  const [hours, mins] = clock.split(':').map(Number)
  return hours! * 60 + mins!
}

/** Whether the local time `at` falls in the full-speed hours (from included, to not). */
export function insideFullSpeed(schedule: BandwidthSchedule, at: Date): boolean {
  const now = at.getHours() * 60 + at.getMinutes()
  const from = minutes(schedule.fullSpeedFrom)
  const to = minutes(schedule.fullSpeedTo)
  // A window ending earlier than it starts runs over midnight: 22:00–06:00 holds 23:00 and 05:00.
  return from < to ? now >= from && now < to : now >= from || now < to
}

/**
 * The first moment after `at` when the full-speed hours open or close, in epoch ms. Built from
 * local calendar dates, so a day of 23 or 25 hours (a DST change) still switches at the clock time.
 */
export function nextSwitch(schedule: BandwidthSchedule, at: Date): number {
  const edges = [minutes(schedule.fullSpeedFrom), minutes(schedule.fullSpeedTo)]
  let next = Infinity
  for (let day = 0; day <= 1; day++) {
    for (const edge of edges) {
      const when = new Date(
        at.getFullYear(),
        at.getMonth(),
        at.getDate() + day,
        Math.floor(edge / 60),
        edge % 60,
      ).getTime()
      if (when > at.getTime() && when < next) next = when
    }
  }
  return next === Infinity ? at.getTime() + DAY_MINUTES * 60_000 : next
}
