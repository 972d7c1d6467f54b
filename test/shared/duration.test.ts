import { describe, expect, it } from 'vitest'
import { durationSeconds, formatAge } from '../../src/shared/duration.ts'
import { Settings, SETTINGS_VERSION } from '../../src/shared/settings-schema.ts'

describe('durations', () => {
  it.each([
    ['1s', 1],
    ['90m', 5400],
    ['36h', 129_600],
    ['2d', 172_800],
    [' 2d ', 172_800],
  ])('%j is %i seconds', (text, seconds) => {
    expect(durationSeconds(text)).toBe(seconds)
  })

  it.each(['', '0s', '2', 'd', '2 d', '1.5h', '-1h', '2w', '1h30m', '2D'])(
    '%j is refused',
    (text) => {
      expect(durationSeconds(text)).toBeUndefined()
    },
  )

  it('ages read the short way, rounded down', () => {
    expect([59, 60, 3599, 3600, 86_399, 86_400 * 3 + 5].map(formatAge)).toEqual([
      '59s',
      '1m',
      '59m',
      '1h',
      '23h',
      '3d',
    ])
  })

  it('alertAfter defaults to 2d, and a bad one is refused naming the format', () => {
    expect(Settings.parse({ version: SETTINGS_VERSION })).toMatchObject({
      alertAfter: '2d',
      healthcheckPing: false,
    })
    const bad = Settings.safeParse({ version: SETTINGS_VERSION, alertAfter: '2 days' })
    expect(bad.success).toBe(false)
    expect(bad.error!.issues[0]!.message).toContain('s, m, h or d')
  })
})
