import { describe, expect, it } from 'vitest'
import { destinationError, sourceError } from '../../../../src/main/providers/local/local-errors.ts'
import { isAppError } from '../../../../src/shared/app-error.ts'

describe('local error mapping', () => {
  const code = (error: unknown) => (isAppError(error) ? error.code : 'not an AppError')
  const errno = (c: string) => Object.assign(new Error(c), { code: c })

  it.each([
    ['ENOSPC', 'insufficient_space'],
    ['EDQUOT', 'insufficient_space'],
    ['ENOENT', 'destination_unavailable'],
    ['EACCES', 'destination_unavailable'],
    ['EROFS', 'destination_unavailable'],
    ['EIO', 'destination_unavailable'],
  ])('destination %s → %s', (errnoCode, expected) => {
    expect(code(destinationError('/nas/a.tar.xz', errno(errnoCode)))).toBe(expected)
  })

  it.each([
    ['ENOENT', 'file_missing'],
    ['EACCES', 'permission_denied'],
    ['EPERM', 'permission_denied'],
    ['EIO', 'file_changed'],
  ])('source %s → %s', (errnoCode, expected) => {
    expect(code(sourceError('/backups/a.tar.xz', errno(errnoCode)))).toBe(expected)
  })

  it('passes aborts through untouched', () => {
    const abort = new DOMException('stopped', 'AbortError')
    expect(destinationError('/nas', abort)).toBe(abort)
    expect(sourceError('/backups', abort)).toBe(abort)
  })
})
