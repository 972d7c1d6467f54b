import { describe, expect, it } from 'vitest'
import { planRetention, type ListedBackup } from '../../../src/main/retention/plan.ts'
import type { RetentionPolicy } from '../../../src/shared/settings-schema.ts'
import { inTimeZone } from '../../support/time-zone.ts'

// Names are made from UTC times here; plan-local-time.test.ts covers other zones.
inTimeZone('UTC')

const FOLDER = '/Fermentrack Backups'
const PATTERNS = ['*.tar.xz', '*.zip']
const NOW = Date.UTC(2026, 11, 6, 12, 0, 0)

/** A Fermentrack-style backup taken `daysAgo` before NOW (hours for finer steps). */
function backup(daysAgo: number, options: { verified?: boolean; hours?: number } = {}) {
  const time = NOW - daysAgo * 86_400_000 - (options.hours ?? 0) * 3_600_000
  const stamp = new Date(time).toISOString().slice(0, 19).replace(/:/g, '.')
  const name = `fermentrack_backup-${stamp}.tar.xz`
  return entry(name, { verified: options.verified ?? true })
}

function entry(name: string, options: Partial<ListedBackup> = {}): ListedBackup {
  return { name, path: `${FOLDER}/${name}`, modified: null, verified: true, ...options }
}

function plan(backups: ListedBackup[], policy: RetentionPolicy, now = NOW) {
  const result = planRetention({ backups, policy, folder: FOLDER, patterns: PATTERNS, now })
  return {
    keep: result.keep.map((k) => k.backup.name),
    remove: result.remove.map((r) => r.backup.name),
    ignored: result.ignored.map((i) => i.path),
    result,
  }
}

const names = (list: ListedBackup[]) => list.map((b) => b.name)

describe('planRetention: the rules', () => {
  const week = [0, 1, 2, 3, 4, 5, 6].map((d) => backup(d))

  it.each<[string, RetentionPolicy, number[]]>([
    ['keepLast=3 keeps the 3 newest', { keepLast: 3 }, [0, 1, 2]],
    ['keepDays=2 keeps what is at most 2 days old', { keepDays: 2 }, [0, 1, 2]],
    ['keepDaily=4 keeps one a day for 4 days', { keepDaily: 4 }, [0, 1, 2, 3]],
    ['keepLast=1 with keepDays=3: either rule keeps', { keepLast: 1, keepDays: 3 }, [0, 1, 2, 3]],
  ])('%s', (_, policy, kept) => {
    const out = plan(week, policy)
    expect(out.keep).toEqual(kept.map((d) => week[d]!.name))
    expect(out.remove).toEqual(names(week.filter((_, d) => !kept.includes(d))))
  })

  it('names the policy that let each backup go', () => {
    const out = plan(week, { keepLast: 3 })
    expect(out.result.remove.map((r) => r.rule)).toEqual(Array(4).fill('keepLast=3'))
    expect(plan(week, { keepLast: 2, keepDaily: 3 }).result.remove[0]!.rule).toBe(
      'keepLast=2, keepDaily=3',
    )
  })

  it('with retention off nothing is removed', () => {
    expect(plan(week, {}).remove).toEqual([])
    expect(plan(week, { keepLast: null }).remove).toEqual([])
  })

  it('keepDaily keeps the newest backup of each day, as restic counts', () => {
    const day = [
      backup(0, { hours: 1 }),
      backup(0, { hours: 5 }),
      backup(1),
      backup(1, { hours: 3 }),
    ]
    expect(plan(day, { keepDaily: 2 }).keep).toEqual([day[0]!.name, day[2]!.name])
  })

  it('a young history with fewer buckets than asked keeps its oldest backup too (restic 0.17)', () => {
    // Dailies for 70 days (Sep 28 to Dec 6: 4 calendar months) against keepMonthly=12: the
    // newest of each month, and the very first backup, so the history still reaches its start.
    const dailies = Array.from({ length: 70 }, (_, d) => backup(d))
    const out = plan(dailies, { keepMonthly: 12 })
    const monthNewest = [0, 6, 36, 67] // Dec 6, Nov 30, Oct 31, Sep 30 (NOW is 2026-12-06)
    expect(out.keep).toEqual([...monthNewest, 69].map((d) => dailies[d]!.name))
    const oldest = out.result.keep.find((k) => k.backup.name === dailies[69]!.name)!
    expect(oldest.reasons).toEqual(['keepMonthly (oldest)'])
    // With the months filled, nothing is added: 12 months of dailies keep 12.
    const year = Array.from({ length: 400 }, (_, d) => backup(d))
    expect(plan(year, { keepMonthly: 12 }).keep).toHaveLength(12)
  })

  it('keepDaily counts days that have backups, not calendar days: gaps cost nothing', () => {
    const sparse = [backup(0), backup(10), backup(20), backup(30)]
    expect(plan(sparse, { keepDaily: 3 }).keep).toEqual(names(sparse.slice(0, 3)))
  })

  it('a year of daily backups costs about 20 files with keepDaily=7 keepWeekly=4 keepMonthly=12', () => {
    const year = Array.from({ length: 365 }, (_, d) => backup(d))
    const kept = plan(year, { keepDaily: 7, keepWeekly: 4, keepMonthly: 12 }).keep.length
    // 7 days, then 3 more weeks, then 10 more months (the newest of each overlaps).
    expect(kept).toBe(20)
  })

  it('keepWeekly treats an ISO week across New Year as one week', () => {
    // 2026-12-31 is a Thursday, 2027-01-01 a Friday: the same ISO week 2026-W53.
    const now = Date.UTC(2027, 0, 2)
    const a = entry('b-2027-01-01T10.00.00.tar.xz')
    const b = entry('b-2026-12-31T10.00.00.tar.xz')
    const c = entry('b-2026-12-20T10.00.00.tar.xz')
    expect(plan([c, b, a], { keepWeekly: 2 }, now).keep).toEqual([a.name, c.name])
  })
})

describe('planRetention: safety rules', () => {
  it('only names matching the patterns directly in the backups folder are candidates', () => {
    const backups = [
      backup(0),
      backup(1),
      backup(2),
      entry('notes.txt'),
      entry('old', { isFolder: true }),
      { ...backup(3), path: `${FOLDER}/sub/${backup(3).name}` },
      { ...backup(4), path: `/Elsewhere/${backup(4).name}` },
      entry('.fermentrack_backup-2020-01-01T00.00.00.tar.xz.part'),
    ]
    const out = plan(backups, { keepLast: 1 })
    expect(out.remove).toEqual(names(backups.slice(1, 3)))
    expect(out.ignored).toEqual(backups.slice(3).map((b) => b.path))
  })

  it('the newest verified backup is never removed, even when the rules would drop it', () => {
    const backups = [backup(0, { verified: false }), backup(1), backup(2), backup(3)]
    const out = plan(backups, { keepLast: 1 })
    expect(out.keep).toEqual(names(backups.slice(0, 2)))
    expect(out.result.keep[1]!.reasons).toEqual(['newest verified'])
    expect(out.remove).toEqual(names(backups.slice(2)))
  })

  it('nothing is removed when no backup there was verified', () => {
    const backups = [0, 1, 2, 3].map((d) => backup(d, { verified: false }))
    expect(plan(backups, { keepLast: 1 }).remove).toEqual([])
  })

  it('only backups older than a verified one may go', () => {
    const backups = [
      backup(0, { verified: false }),
      backup(1, { verified: false }),
      backup(2),
      backup(3, { verified: false }),
    ]
    const out = plan(backups, { keepLast: 1 })
    expect(out.keep).toEqual(names(backups.slice(0, 3)))
    expect(out.remove).toEqual([backups[3]!.name])
  })

  it.each<[string, RetentionPolicy, number]>([
    ['keepDays alone keeps 1', { keepDays: 7 }, 1],
    ['keepDays with keepLast=3 keeps 3', { keepDays: 7, keepLast: 3 }, 3],
  ])('a long absence does not wipe everything: %s', (_, policy, count) => {
    const old = [100, 101, 102, 103, 104].map((d) => backup(d))
    const out = plan(old, policy)
    expect(out.keep).toEqual(names(old.slice(0, count)))
    expect(out.remove).toHaveLength(old.length - count)
  })

  it('ties in time are ordered by name, whatever order the provider lists them in', () => {
    const a = entry('a-2026-12-01T10.00.00.tar.xz')
    const b = entry('b-2026-12-01T10.00.00.tar.xz')
    const c = entry('c-2026-12-05T10.00.00.tar.xz')
    expect(plan([a, b, c], { keepLast: 2 }).keep).toEqual([c.name, b.name])
    expect(plan([c, b, a], { keepLast: 2 }).keep).toEqual([c.name, b.name])
  })

  it('a backup tied with the newest verified one is not "older" and stays', () => {
    const a = entry('a-2026-12-01T10.00.00.tar.xz', { verified: false })
    const b = entry('b-2026-12-01T10.00.00.tar.xz')
    const c = entry('c-2026-11-01T10.00.00.tar.xz')
    const out = plan([a, b, c], { keepLast: 1 })
    expect(out.keep).toEqual([b.name, a.name])
    expect(out.remove).toEqual([c.name])
  })

  it('an unparseable name falls back to the modified time, and with neither it is never removed', () => {
    const dated = entry('manual.tar.xz', {
      modified: new Date(NOW - 50 * 86_400_000).toISOString(),
    })
    const undated = entry('mystery.zip')
    const bad = entry('b-2026-02-31T10.00.00.tar.xz')
    const out = plan([backup(0), dated, undated, bad], { keepLast: 1 })
    expect(out.remove).toEqual(['manual.tar.xz'])
    expect(out.keep).toEqual([backup(0).name, 'mystery.zip', bad.name])
  })
})
