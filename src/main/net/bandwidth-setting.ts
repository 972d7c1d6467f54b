import { AppError } from '../../shared/app-error.ts'
import type { TokenBucket } from './token-bucket.ts'

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 * 1024, G: 1024 * 1024 * 1024 }

/**
 * FTB_BANDWIDTH_LIMIT as bytes per second: "8M", "500K", "1.5M" or plain bytes; 0 = unlimited.
 * Absent or empty: undefined, so the setting applies.
 */
export function bandwidthFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const text = env.FTB_BANDWIDTH_LIMIT?.trim()
  if (!text) return undefined
  const match = /^(\d+(?:\.\d+)?)\s*([KMG]?)(?:i?B)?(?:\/s)?$/i.exec(text)
  const bytes = match ? Math.round(Number(match[1]) * UNITS[match[2]!.toUpperCase()]!) : NaN
  if (!Number.isSafeInteger(bytes)) {
    throw new AppError(
      'usage',
      `FTB_BANDWIDTH_LIMIT="${text}" is not a rate: use bytes per second, e.g. 8M, 500K or 0 for unlimited.`,
    )
  }
  return bytes
}

/**
 * Holds the process-wide upload bucket to the cap in force, now and after every settings change,
 * so a new limit reaches uploads already running. Throws on a bad FTB_BANDWIDTH_LIMIT at once.
 */
export function applyBandwidthLimit(
  env: NodeJS.ProcessEnv,
  settings: {
    get(): { bandwidthLimit: number }
    onChange(listener: (s: { bandwidthLimit: number }) => void): () => void
  },
  bucket: TokenBucket,
): () => void {
  const fromEnv = bandwidthFromEnv(env)
  bucket.setRate(fromEnv ?? settings.get().bandwidthLimit)
  return settings.onChange((next) => bucket.setRate(fromEnv ?? next.bandwidthLimit))
}
