import { z } from 'zod'

/**
 * The upload speed limit's units. Binary, as FTB_BANDWIDTH_LIMIT reads "500K" and "8M", so a rate
 * typed in the window, picked in the tray or set in the environment means the same bytes.
 */
export const KB = 1024
export const MB = 1024 * 1024

/** Bytes per second for all uploads together; 0 = unlimited. */
export const BandwidthLimit = z.number().int().min(0)

const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/
const clockTime = z.string().regex(CLOCK_TIME, 'must be a 24-hour time as HH:MM, e.g. 06:00')

/**
 * Local hours when the limit is lifted ("full speed 00:00–06:00"): from is included, to is not,
 * and a window whose end is earlier than its start runs over midnight (22:00–06:00).
 */
export const BandwidthSchedule = z
  .object({ fullSpeedFrom: clockTime, fullSpeedTo: clockTime })
  .strict()
  .refine((s) => s.fullSpeedFrom !== s.fullSpeedTo, {
    message: 'must differ from the start time',
    path: ['fullSpeedTo'],
  })
export type BandwidthSchedule = z.infer<typeof BandwidthSchedule>

/** A limit as the window and tray name it: "Unlimited", "256 KB/s", "1 MB/s", "1.5 MB/s". */
export function formatRate(bytesPerSecond: number): string {
  if (bytesPerSecond === 0) return 'Unlimited'
  if (bytesPerSecond >= MB) return `${round(bytesPerSecond / MB)} MB/s`
  if (bytesPerSecond >= KB) return `${round(bytesPerSecond / KB)} KB/s`
  return `${bytesPerSecond} B/s`
}

const round = (value: number) => String(Math.round(value * 100) / 100)
