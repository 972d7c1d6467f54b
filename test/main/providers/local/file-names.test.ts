import { describe, expect, it } from 'vitest'
import {
  isTempFor,
  TEMP_NAME,
  tempName,
  tempPrefix,
} from '../../../../src/main/providers/local/file-names.ts'
import { MAX_NAME_BYTES } from '../../../../src/main/uploads/conflict-name.ts'

const bytes = (text: string) => Buffer.byteLength(text)
const LONG_ASCII = `${'a'.repeat(248)}.tar.xz`
const LONG_EMOJI = `${'🍺'.repeat(62)}.tar.xz` // 4 × 62 + 7 = 255 bytes

describe('local file names', () => {
  it('names temp files as hidden, tagged and random, within 255 bytes', () => {
    for (const name of ['a.tar.xz', LONG_ASCII, LONG_EMOJI]) {
      const source = { path: `/backups/${name}`, name }
      const temp = tempName(source)
      expect(temp).toMatch(TEMP_NAME)
      expect(temp.startsWith(tempPrefix(source))).toBe(true)
      expect(isTempFor(temp, source)).toBe(true)
      expect(bytes(temp)).toBeLessThanOrEqual(MAX_NAME_BYTES)
      expect(temp).not.toContain('\uFFFD')
      expect(tempName(source)).not.toBe(temp)
    }
  })

  it('tells temps of same-named files from two folders apart', () => {
    const a = { path: '/backups/a/x.tar.xz', name: 'x.tar.xz' }
    const b = { path: '/backups/b/x.tar.xz', name: 'x.tar.xz' }
    expect(isTempFor(tempName(a), a)).toBe(true)
    expect(isTempFor(tempName(a), b)).toBe(false)
    expect(isTempFor(tempName(b), a)).toBe(false)
  })
})
