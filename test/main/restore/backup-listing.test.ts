import { describe, expect, it } from 'vitest'
import { backupsIn, backupTime } from '../../../src/main/restore/backup-listing.ts'
import { restoredName } from '../../../src/main/restore/restore-backup.ts'
import type { RemoteEntry } from '../../../src/main/providers/provider.ts'

function entry(name: string, modified: string | null, isFolder = false): RemoteEntry {
  return { name, path: `/B/${name}`, size: 10, modified, isFolder }
}

const NO_RECORDS = { doneAt: () => undefined }

describe('backupsIn', () => {
  it('orders by the Fermentrack time in the name, then by the server time for names without one', () => {
    const listed = backupsIn(
      'c',
      [
        entry('fermentrack_2026-01-01T00.00.00.tar.xz', '2026-06-01T00:00:00Z'),
        entry('fermentrack_2026-02-01T00.00.00.tar.xz', '2025-01-01T00:00:00Z'),
        entry('manual.zip', '2026-01-15T00:00:00Z'),
        entry('no-time.tar.xz', null),
      ],
      ['*.tar.xz', '*.zip'],
      NO_RECORDS,
    )
    expect(listed.map((b) => b.name)).toEqual([
      'fermentrack_2026-02-01T00.00.00.tar.xz',
      'manual.zip',
      'fermentrack_2026-01-01T00.00.00.tar.xz',
      'no-time.tar.xz',
    ])
  })

  it('leaves out what is no backup: other names, temporary files, folders', () => {
    const listed = backupsIn(
      'c',
      [
        entry('notes.txt', null),
        entry('.a.tar.xz.restoring', null),
        entry('old.tar.xz', null, true),
        entry('a.tar.xz', null),
      ],
      ['*.tar.xz'],
      NO_RECORDS,
    )
    expect(listed).toEqual([
      {
        connection_id: 'c',
        name: 'a.tar.xz',
        path: '/B/a.tar.xz',
        size: 10,
        modified: null,
        uploaded_by_us: false,
      },
    ])
  })

  it('an unreadable stamp falls back to the server time', () => {
    expect(backupTime(entry('x_2026-13-45T99.99.99.tar.xz', '2020-01-01T00:00:00Z'))).toBe(
      Date.parse('2020-01-01T00:00:00Z'),
    )
  })
})

describe('restoredName', () => {
  it('marks copies before the whole archive extension', () => {
    expect(restoredName('a.tar.xz', 0)).toBe('a.tar.xz')
    expect(restoredName('a.tar.xz', 1)).toBe('a (restored).tar.xz')
    expect(restoredName('a.zip', 2)).toBe('a (restored 2).zip')
  })
})
