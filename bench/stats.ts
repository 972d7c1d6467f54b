export const MIB = 1024 * 1024
export const GIB = 1024 * MIB

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Decimal megabytes per second, as curl and most tools print them. */
export function mbPerSecond(bytes: number, ms: number): number {
  return bytes / 1e6 / (ms / 1000)
}

export const fixed = (value: number, digits = 2) => value.toFixed(digits)
export const seconds = (ms: number, digits = 3) => `${(ms / 1000).toFixed(digits)} s`
