import { describe, expect, it } from 'vitest'
import { formatBytes, formatSpeed } from '../../src/renderer/format/format-bytes.ts'
import { formatEta } from '../../src/renderer/format/format-duration.ts'
import { formatWhen } from '../../src/renderer/format/format-time.ts'

describe('formatting', () => {
  it('writes sizes and speeds in decimal units, with sensible precision', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(999)).toBe('999 B')
    expect(formatBytes(48_200_000)).toBe('48.2 MB')
    expect(formatBytes(2e12)).toBe('2.00 TB')
    expect(formatBytes(400e9)).toBe('400 GB')
    expect(formatSpeed(2_100_000)).toBe('2.10 MB/s')
    expect(formatBytes(Number.NaN)).toBe('–')
  })

  it('words the time left', () => {
    expect(formatEta(null)).toBe('estimating time left')
    expect(formatEta(3)).toBe('a few seconds left')
    expect(formatEta(20)).toBe('about 20 s left')
    expect(formatEta(185)).toBe('about 3 min left')
    expect(formatEta(3 * 3600 + 600)).toBe('about 3 h 10 min left')
  })

  it('keeps dates short: the time today, the day this year, the full date before', () => {
    const now = new Date(2026, 10, 22, 18, 0).getTime()
    expect(formatWhen(new Date(2026, 10, 22, 9, 5).getTime(), now)).toMatch(/9.05/)
    expect(formatWhen(new Date(2026, 10, 20, 9, 5).getTime(), now)).toMatch(/20/)
    expect(formatWhen(new Date(2026, 10, 20, 9, 5).getTime(), now)).not.toMatch(/9.05/)
    expect(formatWhen(new Date(2025, 0, 3).getTime(), now)).toMatch(/2025/)
  })
})
