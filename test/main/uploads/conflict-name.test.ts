import { describe, expect, it } from 'vitest'
import { conflictName } from '../../../src/main/uploads/conflict-name.ts'

describe('conflictName', () => {
  it.each([
    ['2026-11-22T10.00.00.tar.xz', 2, '2026-11-22T10.00.00 (2).tar.xz'],
    ['backup.zip', 3, 'backup (3).zip'],
    ['no-extension', 2, 'no-extension (2)'],
    ['.hidden', 2, '.hidden (2)'],
    ['Brauerei Ü 🍺.TAR.GZ', 2, 'Brauerei Ü 🍺 (2).TAR.GZ'],
  ])('%s, copy %i → %s', (name, copy, expected) => expect(conflictName(name, copy)).toBe(expected))
})
