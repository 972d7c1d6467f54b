import { describe, expect, it } from 'vitest'
import {
  MAX_NAME_BYTES,
  TEMP_NAME,
  copyName,
  tempName,
  tempPrefix,
} from '../../../../src/main/providers/local/file-names.ts'

const bytes = (text: string) => Buffer.byteLength(text)
const LONG_ASCII = `${'a'.repeat(248)}.tar.xz`
const LONG_EMOJI = `${'🍺'.repeat(62)}.tar.xz` // 4 × 62 + 7 = 255 bytes

describe('local file names', () => {
  it('names temp files as hidden, tagged and random, within 255 bytes', () => {
    for (const name of ['a.tar.xz', LONG_ASCII, LONG_EMOJI]) {
      const temp = tempName(name)
      expect(temp).toMatch(TEMP_NAME)
      expect(temp.startsWith(tempPrefix(name))).toBe(true)
      expect(bytes(temp)).toBeLessThanOrEqual(MAX_NAME_BYTES)
      expect(temp).not.toContain('\uFFFD')
      expect(tempName(name)).not.toBe(temp)
    }
  })

  it('numbers copies before the archive extension', () => {
    expect(copyName('a.tar.xz', 1)).toBe('a.tar.xz')
    expect(copyName('a.tar.xz', 2)).toBe('a (2).tar.xz')
    expect(copyName('brewhouse.zip', 3)).toBe('brewhouse (3).zip')
  })

  it('shortens the stem of a long name so each copy fits in 255 bytes, whole characters only', () => {
    expect(copyName(LONG_ASCII, 2)).toBe(`${'a'.repeat(244)} (2).tar.xz`)
    const emoji = copyName(LONG_EMOJI, 12)
    expect(bytes(emoji)).toBeLessThanOrEqual(MAX_NAME_BYTES)
    expect(emoji).toMatch(/^(🍺)+ \(12\)\.tar\.xz$/u)
  })
})
