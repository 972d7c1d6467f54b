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
  /** A second Fermentrack, silent this long (seconds). */
  secondAge?: number
  /** The destination whose last restore check failed. */
  failedVerify?: string
  /** With no backup in the folder: how long since the folder changed. */
  emptyFor?: number
}): HealthReport {
  const max = 2 * DAY
  const watchAge = change.watchAge === undefined ? HOUR : change.watchAge
  const destinations = (change.destinations ?? [['dbid:1', HOUR]]).map(([id, age]) => ({
    connection_id: id,
    provider: null,
    last_verified_upload: age === null ? null : iso(age),
    age_seconds: age,
    ok: age !== null && age <= max,
    last_verify:
      change.failedVerify === id
        ? { at: iso(HOUR), ok: false, outcome: 'mismatch' as const, reason: 'sha256 differs' }
        : null,
  }))
  const folder = (path: string, age: number | null, problem: string | null) => ({
    path,
    newest_backup: age === null ? null : `${path}/b.tar.xz`,
    modified: age === null ? null : iso(age),
    age_seconds: age,
    ok: age !== null && age <= max,
    problem,
  })
  const first = {
    ...folder('/home/pi/backups', watchAge, change.watchProblem ?? null),
    ...(change.emptyFor === undefined ? {} : { empty_for_seconds: change.emptyFor }),
  }
  const sources =
    change.watchPath === null ? [] : [{ id: 'fermentrack', label: 'Fermentrack', ...first }]
  if (change.secondAge !== undefined) {
    const second = folder('/mnt/pi2/backups', change.secondAge, null)
    sources.push({ id: 'brewhouse-2', label: 'Brewhouse 2', ...second })
  }
  return {
    ok: false,
    max_age_seconds: max,
    destinations,
    sources: sources.map((s) => ({ ...s, warning: null })),
    watch_folder: first,
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
        key: 'source:fermentrack',
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
    expect(alert).toMatchObject({ key: 'source:fermentrack', severity: 'error' })
    expect(alert?.message).toContain('the folder cannot be read (ENOENT)')
    expect(alert?.message).toContain('check that its drive or share is mounted')
  })
})

describe('healthAlerts with several Fermentracks and restore checks', () => {
  it('names the silent Fermentrack by its label when there are several', () => {
    const alerts = healthAlerts(report({ secondAge: 3 * DAY + HOUR }), LABELS, NOW)
    expect(alerts).toEqual([
      {
        key: 'source:brewhouse-2',
        severity: 'warning',
        message:
          "No new Fermentrack backup for 3 days in Brewhouse 2: check that Fermentrack's backups are on.",
      },
    ])
  })

  it('raises a failed restore check at a destination, even when its uploads are fresh', () => {
    const alerts = healthAlerts(report({ failedVerify: 'dbid:1' }), LABELS, NOW)
    expect(alerts).toEqual([
      {
        key: 'verify:dbid:1',
        severity: 'error',
        message: expect.stringMatching(
          /^The last restore check at Dropbox · Ada Brewer failed \(sha256 differs\): restore an older backup/,
        ),
      },
    ])
  })
})

describe('healthAlerts on an empty folder', () => {
  const empty = (emptyFor: number) =>
    report({ watchAge: null, watchProblem: 'no backup file in it', emptyFor })

  it('gives a folder chosen lately time for its first backup', () => {
    expect(healthAlerts(empty(HOUR), LABELS, NOW)).toEqual([])
  })

  it('raises a folder left empty past the limit, with the fix', () => {
    const [alert] = healthAlerts(empty(3 * DAY), LABELS, NOW)
    expect(alert).toMatchObject({ key: 'source:fermentrack', severity: 'warning' })
    expect(alert?.message).toMatch(/^No Fermentrack backup in \/home\/pi\/backups yet: check/)
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
