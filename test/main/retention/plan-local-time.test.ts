import { describe, expect, it } from 'vitest'
import { planRetention, type ListedBackup } from '../../../src/main/retention/plan.ts'
import type { RetentionPolicy } from '../../../src/shared/settings-schema.ts'
import { inTimeZone } from '../../support/time-zone.ts'

// Retention counts days, weeks and months in local time, as restic's forget does, and reads
// Fermentrack's stamp as the Pi's wall clock. These run in a zone far from UTC on purpose.
const ZONE = 'America/New_York'
const FOLDER = '/Fermentrack Backups'

inTimeZone(ZONE)

/** A stamped Fermentrack name, or a plain name with the server's modified time. */
function stamped(stamp: string): ListedBackup {
  const name = `fermentrack_backup-${stamp}.tar.xz`
  return { name, path: `${FOLDER}/${name}`, modified: null, verified: true }
}
function served(name: string, modified: string): ListedBackup {
  return { name, path: `${FOLDER}/${name}`, modified, verified: true }
}

function kept(backups: ListedBackup[], policy: RetentionPolicy, now: string): string[] {
  const plan = planRetention({
    backups,
    policy,
    folder: FOLDER,
    patterns: ['*.tar.xz', '*.zip'],
    now: Date.parse(now),
  })
  return plan.keep.map((k) => k.backup.name)
}

describe(`retention in local time (${ZONE})`, () => {
  it.each<[string, ListedBackup[], RetentionPolicy, string, number[]]>([
    [
      'server times 23:30 and 00:30 local share a UTC date but are two days',
      [
        served('c.zip', '2026-12-06T05:30:00Z'), // Sun 00:30
        served('b.zip', '2026-12-06T04:30:00Z'), // Sat 23:30
        served('a.zip', '2026-12-06T01:00:00Z'), // Sat 20:00
      ],
      { keepDaily: 2 },
      '2026-12-06T12:00:00Z',
      [0, 1],
    ],
    [
      'Sunday 23:30 and Monday 00:30 local are two ISO weeks',
      [
        served('c.zip', '2026-12-07T05:30:00Z'), // Mon 00:30, W50
        served('b.zip', '2026-12-07T04:30:00Z'), // Sun 23:30, W49
        served('a.zip', '2026-12-05T15:00:00Z'), // Sat, W49
      ],
      { keepWeekly: 2 },
      '2026-12-07T12:00:00Z',
      [0, 1],
    ],
    [
      'November 30 23:30 and December 1 00:30 local are two months',
      [
        served('c.zip', '2026-12-01T05:30:00Z'),
        served('b.zip', '2026-12-01T04:30:00Z'),
        served('a.zip', '2026-11-20T15:00:00Z'),
      ],
      { keepMonthly: 2 },
      '2026-12-01T12:00:00Z',
      [0, 1],
    ],
    [
      'the spring-forward day (23 hours) is one day, 02:30 included',
      [
        stamped('2026-03-08T23.30.00'),
        stamped('2026-03-08T02.30.00'),
        stamped('2026-03-08T00.30.00'),
        stamped('2026-03-07T23.30.00'),
      ],
      { keepDaily: 2 },
      '2026-03-09T12:00:00Z',
      [0, 3],
    ],
    [
      'server times across the spring-forward day fall in that one local day',
      [
        served('c.zip', '2026-03-09T03:30:00Z'), // Mar 8, 23:30 EDT
        served('b.zip', '2026-03-08T05:30:00Z'), // Mar 8, 00:30 EST
        served('a.zip', '2026-03-08T04:30:00Z'), // Mar 7, 23:30 EST
      ],
      { keepDaily: 2 },
      '2026-03-09T12:00:00Z',
      [0, 2],
    ],
    [
      'the fall-back day (25 hours) is one day, the repeated 01:30 included',
      [
        stamped('2026-11-02T00.10.00'),
        stamped('2026-11-01T23.50.00'),
        stamped('2026-11-01T01.30.00'),
        stamped('2026-11-01T00.10.00'),
        stamped('2026-10-31T23.50.00'),
      ],
      { keepDaily: 3 },
      '2026-11-02T12:00:00Z',
      [0, 1, 4],
    ],
    [
      'keepDays measures from the stamp read as local time',
      [
        stamped('2026-12-06T10.00.00'),
        stamped('2026-12-05T23.30.00'),
        stamped('2026-12-05T18.00.00'),
      ],
      // 23:30 EST on the 5th is 04:30 UTC on the 6th: within 1 day of now, 18:00 is not.
      { keepDays: 1 },
      '2026-12-07T00:00:00Z',
      [0, 1],
    ],
    [
      'a stamped backup and a server-timed one sort by the same clock',
      // 09:00 local (14:00Z) is newer than a copy the server dated 13:00Z.
      [stamped('2026-12-06T09.00.00'), served('manual.zip', '2026-12-06T13:00:00Z')],
      { keepLast: 1 },
      '2026-12-06T20:00:00Z',
      [0],
    ],
  ])('%s', (_, backups, policy, now, keptIndexes) => {
    expect(kept(backups, policy, now)).toEqual(keptIndexes.map((i) => backups[i]!.name))
  })
})
