import { AppError } from '../../shared/app-error.ts'
import type { BandwidthSchedule } from '../../shared/upload-limit.ts'
import { insideFullSpeed, nextSwitch } from './bandwidth-schedule.ts'
import type { TokenBucket } from './token-bucket.ts'

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 * 1024, G: 1024 * 1024 * 1024 }

/** "8M", "500K", "1.5M", "8MB/s" or plain bytes, as bytes per second; undefined if not a rate. */
export function parseRate(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([KMG]?)(?:i?B)?(?:\/s)?$/i.exec(text.trim())
  const bytes = match ? Math.round(Number(match[1]) * UNITS[match[2]!.toUpperCase()]!) : NaN
  return Number.isSafeInteger(bytes) ? bytes : undefined
}

/**
 * FTB_BANDWIDTH_LIMIT as bytes per second: "8M", "500K", "1.5M" or plain bytes; 0 = unlimited.
 * Absent or empty: undefined, so the setting applies.
 */
export function bandwidthFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const text = env.FTB_BANDWIDTH_LIMIT?.trim()
  if (!text) return undefined
  const bytes = parseRate(text)
  if (bytes === undefined) {
    throw new AppError(
      'usage',
      `FTB_BANDWIDTH_LIMIT="${text}" is not a rate: use bytes per second, e.g. 8M, 500K or 0 for unlimited.`,
    )
  }
  return bytes
}

export interface CapSettings {
  bandwidthLimit: number
  bandwidthSchedule: BandwidthSchedule | null
}

/** The cap in force at `at`: none inside the full-speed hours, else the env's or the setting's. */
export function effectiveLimit(fromEnv: number | undefined, s: CapSettings, at: Date): number {
  if (s.bandwidthSchedule && insideFullSpeed(s.bandwidthSchedule, at)) return 0
  return fromEnv ?? s.bandwidthLimit
}

/** Time and a one-shot timer, injected so tests can stand at a boundary and cross it. */
export interface CapClock {
  now(): number
  setTimer(run: () => void, ms: number): unknown
  clearTimer(timer: unknown): void
}

const systemClock: CapClock = {
  now: () => Date.now(),
  // Unref'd: a one-off `upload` must not stay alive for tonight's switch.
  setTimer: (run, ms) => setTimeout(run, ms).unref(),
  clearTimer: (timer) => clearTimeout(timer as NodeJS.Timeout),
}

/**
 * Holds the process-wide upload bucket to the cap in force, now and after every settings change,
 * so a new limit reaches uploads already running. With full-speed hours, one timer waits for the
 * next edge of the window (no polling) and sets the rate there, also under running uploads.
 * Throws on a bad FTB_BANDWIDTH_LIMIT at once.
 */
export function applyBandwidthLimit(
  env: NodeJS.ProcessEnv,
  settings: {
    get(): CapSettings
    onChange(listener: (s: CapSettings) => void): () => void
  },
  bucket: TokenBucket,
  clock: CapClock = systemClock,
): () => void {
  const fromEnv = bandwidthFromEnv(env)
  let timer: unknown
  const apply = (s: CapSettings) => {
    if (timer !== undefined) clock.clearTimer(timer)
    timer = undefined
    const at = new Date(clock.now())
    bucket.setRate(effectiveLimit(fromEnv, s, at))
    if (s.bandwidthSchedule) {
      const wait = nextSwitch(s.bandwidthSchedule, at) - at.getTime()
      timer = clock.setTimer(() => apply(settings.get()), wait)
    }
  }
  apply(settings.get())
  const stopListening = settings.onChange(apply)
  return () => {
    stopListening()
    if (timer !== undefined) clock.clearTimer(timer)
  }
}
