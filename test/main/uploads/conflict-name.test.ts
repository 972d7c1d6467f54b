import { describe, expect, it } from 'vitest'
import { conflictName, MAX_NAME_BYTES } from '../../../src/main/uploads/conflict-name.ts'

const bytes = (text: string) => Buffer.byteLength(text)
const LONG_ASCII = `${'a'.repeat(248)}.tar.xz`
const LONG_EMOJI = `${'🍺'.repeat(62)}.tar.xz` // 4 × 62 + 7 = 255 bytes

describe('conflictName', () => {
  it('copy 1 is the name itself', () => expect(conflictName('a.tar.xz', 1)).toBe('a.tar.xz'))

  it.each([
    ['2026-11-22T10.00.00.tar.xz', 2, '2026-11-22T10.00.00 (2).tar.xz'],
    ['backup.zip', 3, 'backup (3).zip'],
    ['no-extension', 2, 'no-extension (2)'],
    ['.hidden', 2, '.hidden (2)'],
    ['Brauerei Ü 🍺.TAR.GZ', 2, 'Brauerei Ü 🍺 (2).TAR.GZ'],
  ])('%s, copy %i → %s', (name, copy, expected) => expect(conflictName(name, copy)).toBe(expected))

  it('shortens the stem of a long name so each copy fits in 255 bytes, whole characters only', () => {
    expect(conflictName(LONG_ASCII, 2)).toBe(`${'a'.repeat(244)} (2).tar.xz`)
    const emoji = conflictName(LONG_EMOJI, 12)
    expect(bytes(emoji)).toBeLessThanOrEqual(MAX_NAME_BYTES)
    expect(emoji).toMatch(/^(🍺)+ \(12\)\.tar\.xz$/u)
  })
})
