import { describe, expect, it } from 'vitest'
import {
  healthAlerts,
  lastBackupAt,
  silenceInWords,
  type DestinationInfo,
} from '../../../src/main/companion/health-alerts.ts'
import type { HealthReport } from '../../../src/main/health/health-report.ts'

const NOW = Date.UTC(2026, 11, 6, 12)
const HOUR = 3600
const DAY = 86_400
const iso = (secondsAgo: number) => new Date(NOW - secondsAgo * 1000).toISOString()

const LABELS = new Map<string, DestinationInfo>([
  ['dbid:1', { label: 'Dropbox · Ada Brewer', since: NOW - 30 * DAY * 1000 }],
  ['local', { label: 'Local or NAS folder', since: null }],
])

/** A report as `health` computes it: a fresh watch folder and destinations, changed per case. */
function report(change: {
  watchAge?: number | null
  watchProblem?: string | null
  watchPath?: string | null
  destinations?: [string, number | null][]
}): HealthReport {
  const max = 2 * DAY
  const watchAge = change.watchAge === undefined ? HOUR : change.watchAge
  const destinations = (change.destinations ?? [['dbid:1', HOUR]]).map(([id, age]) => ({
    connection_id: id,
    provider: null,
    last_verified_upload: age === null ? null : iso(age),
    age_seconds: age,
    ok: age !== null && age <= max,
  }))
  return {
    ok: false,
    max_age_seconds: max,
    destinations,
    watch_folder: {
      path: change.watchPath === undefined ? '/home/pi/backups' : change.watchPath,
      newest_backup: watchAge === null ? null : '/home/pi/backups/b.tar.xz',
      modified: watchAge === null ? null : iso(watchAge),
      age_seconds: watchAge,
      ok: watchAge !== null && watchAge <= max,
      problem: change.watchProblem ?? null,
    },
  }
}

describe('healthAlerts', () => {
  it('says nothing while everything is fresh', () => {
    expect(healthAlerts(report({}), LABELS, NOW)).toEqual([])
  })

  it('names a silent Fermentrack, how long, and the fix', () => {
    const alerts = healthAlerts(
      report({ watchAge: 3 * DAY + HOUR, destinations: [['dbid:1', 3 * DAY + HOUR]] }),
      LABELS,
      NOW,
    )
    // The destination has Fermentrack's newest backup: it is not behind, so only one alert.
    expect(alerts).toEqual([
      {
        key: 'watch-folder',
        severity: 'warning',
        message: "No new Fermentrack backup for 3 days: check that Fermentrack's backups are on.",
      },
    ])
  })

  it('names a destination that newer backups did not reach, by its label', () => {
    const alerts = healthAlerts(
      report({
        destinations: [
          ['dbid:1', 2 * DAY + 5 * HOUR],
          ['local', HOUR],
        ],
      }),
      LABELS,
      NOW,
    )
    expect(alerts).toEqual([
      {
        key: 'destination:dbid:1',
        severity: 'warning',
        message: expect.stringMatching(/^Nothing reached Dropbox · Ada Brewer for 2 days: check/),
      },
    ])
  })

  it('gives a new destination time for its first upload, but not an old one', () => {
    const fresh = new Map([['dbid:1', { label: 'New', since: NOW - HOUR * 1000 }]])
    expect(healthAlerts(report({ destinations: [['dbid:1', null]] }), fresh, NOW)).toEqual([])
    const [alert] = healthAlerts(report({ destinations: [['dbid:1', null]] }), LABELS, NOW)
    expect(alert?.message).toMatch(
      /^Nothing has reached Dropbox · Ada Brewer since it was connected 30 days ago/,
    )
  })

  it('leaves an unset folder to the setup checklist, and says why an unreadable one is', () => {
    expect(healthAlerts(report({ watchPath: null, watchAge: null }), LABELS, NOW)).toEqual([])
    const [alert] = healthAlerts(
      report({ watchAge: null, watchProblem: 'the folder cannot be read (ENOENT)' }),
      LABELS,
      NOW,
    )
    expect(alert).toMatchObject({ key: 'watch-folder', severity: 'error' })
    expect(alert?.message).toContain('the folder cannot be read (ENOENT)')
    expect(alert?.message).toContain('check that its drive or share is mounted')
  })
})

describe('lastBackupAt', () => {
  it('is the newest verified upload at any destination', () => {
    const r = report({
      destinations: [
        ['dbid:1', 5 * HOUR],
        ['local', 2 * HOUR],
      ],
    })
    expect(lastBackupAt(r)).toBe(NOW - 2 * HOUR * 1000)
    expect(lastBackupAt(report({ destinations: [['dbid:1', null]] }))).toBeNull()
  })
})

describe('silenceInWords', () => {
  it.each([
    [3 * DAY + 5 * HOUR, '3 days'],
    [DAY, '1 day'],
    [5 * HOUR + 59 * 60, '5 hours'],
    [HOUR, '1 hour'],
    [20 * 60, '20 minutes'],
    [10, '1 minute'],
  ])('%i seconds is "%s"', (seconds, words) => {
    expect(silenceInWords(seconds)).toBe(words)
  })
})
