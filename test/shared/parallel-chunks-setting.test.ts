import { describe, expect, it } from 'vitest'
import { Settings, SETTINGS_VERSION } from '../../src/shared/settings-schema.ts'

const parse = (value: unknown) =>
  Settings.safeParse({ version: SETTINGS_VERSION, parallelChunks: value })

describe('the parallelChunks setting', () => {
  it('defaults to 4 chunks on the wire at once', () => {
    expect(Settings.parse({ version: SETTINGS_VERSION }).parallelChunks).toBe(4)
  })

  it('takes whole numbers from 1 (sequential) to 16, and refuses the rest', () => {
    expect(parse(1).success).toBe(true)
    expect(parse(16).success).toBe(true)
    for (const bad of [0, 17, 2.5, '4']) expect(parse(bad).success, String(bad)).toBe(false)
  })
})
