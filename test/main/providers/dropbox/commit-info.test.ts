import { describe, expect, it } from 'vitest'
import {
  commitInfo,
  dropboxTimestamp,
  remotePath,
} from '../../../../src/main/providers/dropbox/commit-info.ts'
import { checkedChunkSize } from '../../../../src/main/providers/dropbox/upload-limits.ts'
import { isAppError } from '../../../../src/shared/app-error.ts'

const MiB = 1024 * 1024

describe('commit info', () => {
  it('formats client_modified as %Y-%m-%dT%H:%M:%SZ, dropping the milliseconds', () => {
    expect(dropboxTimestamp(Date.UTC(2026, 10, 22, 10, 0, 5, 999))).toBe('2026-11-22T10:00:05Z')
    expect(dropboxTimestamp(1_700_000_000_123.456)).toBe('2023-11-14T22:13:20Z')
  })

  it('adds without autorename, so conflicts come back to us', () => {
    expect(commitInfo('/F/a.tar.xz', 0)).toEqual({
      path: '/F/a.tar.xz',
      mode: 'add',
      autorename: false,
      client_modified: '1970-01-01T00:00:00Z',
    })
  })

  it('builds app-folder paths', () => {
    expect(remotePath('/Fermentrack Backups', 'a.tar.xz')).toBe('/Fermentrack Backups/a.tar.xz')
    expect(remotePath('/Backups/', 'a.tar.xz')).toBe('/Backups/a.tar.xz')
    expect(remotePath('', 'a.tar.xz')).toBe('/a.tar.xz')
    expect(() => remotePath('Backups', 'a')).toThrow(/must start with "\/"/)
  })
})

describe('chunk size', () => {
  it.each([4 * MiB, 8 * MiB, 48 * MiB, 148 * MiB])('accepts %i', (size) => {
    expect(checkedChunkSize(size)).toBe(size)
  })

  it('defaults to 8 MiB', () => expect(checkedChunkSize()).toBe(8 * MiB))

  it.each([0, -4 * MiB, 5 * MiB, 4 * MiB + 1, 150 * MiB, 152 * MiB, 1.5, Number.NaN])(
    'refuses %s',
    (size) => {
      let thrown: unknown
      try {
        checkedChunkSize(size)
      } catch (error) {
        thrown = error
      }
      expect(isAppError(thrown, 'usage')).toBe(true)
    },
  )
})
