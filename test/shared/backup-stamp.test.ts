import { describe, expect, it } from 'vitest'
import {
  backupTime,
  localDay,
  localIsoWeek,
  localMonth,
  stampTime,
} from '../../src/shared/backup-stamp.ts'
import { inTimeZone } from '../support/time-zone.ts'

describe('stampTime reads the name as the Pi wall clock (New York)', () => {
  inTimeZone('America/New_York')

  it.each<[string, string | null]>([
    ['x-2026-12-05T23.30.00.tar.xz', '2026-12-05T23:30:00-05:00'],
    ['x-2026-07-04T12.00.00.tar.xz', '2026-07-04T12:00:00-04:00'],
    // 02:30 does not exist on spring-forward day: it moves on an hour, still that day.
    ['x-2026-03-08T02.30.00.tar.xz', '2026-03-08T03:30:00-04:00'],
    ['x-2026-02-31T10.00.00.tar.xz', null],
    ['x-2026-12-06T25.51.49.tar.xz', null],
    ['backup.zip', null],
  ])('%s is %s', (name, expected) => {
    expect(stampTime(name)).toBe(expected === null ? null : Date.parse(expected))
  })

  it.each<[string, string | null, string | null]>([
    ['x-2026-12-06T05.51.49.tar.xz', '2020-01-01T00:00:00Z', '2026-12-06T05:51:49-05:00'],
    ['x-2026-13-06T05.51.49.tar.xz', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z'],
    ['backup.zip', 'not a date', null],
    ['backup.zip', null, null],
  ])('backupTime(%s, %s) is %s', (name, modified, expected) => {
    expect(backupTime(name, modified)).toBe(expected === null ? null : Date.parse(expected))
  })
})

describe('calendar buckets are local (New York, UTC-5 in winter)', () => {
  inTimeZone('America/New_York')

  it.each<[string, string, string, string, string]>([
    // instant                    day           ISO week     month      why
    ['2026-12-06T04:30:00Z', '2026-12-05', '2026-W49', '2026-12', '23:30 on Saturday the 5th'],
    ['2026-12-06T05:30:00Z', '2026-12-06', '2026-W49', '2026-12', '00:30 on Sunday the 6th'],
    ['2026-12-07T04:30:00Z', '2026-12-06', '2026-W49', '2026-12', 'Sunday 23:30 ends W49'],
    ['2026-12-07T05:30:00Z', '2026-12-07', '2026-W50', '2026-12', 'Monday 00:30 starts W50'],
    ['2026-12-01T04:30:00Z', '2026-11-30', '2026-W49', '2026-11', '23:30 on November 30'],
    ['2027-01-01T04:59:00Z', '2026-12-31', '2026-W53', '2026-12', 'New Year Eve, 23:59'],
    ['2027-01-01T15:00:00Z', '2027-01-01', '2026-W53', '2027-01', 'Jan 1 is in 2026-W53'],
    ['2027-01-04T05:00:00Z', '2027-01-04', '2027-W01', '2027-01', 'first Monday of 2027-W01'],
    ['2025-12-29T12:00:00Z', '2025-12-29', '2026-W01', '2025-12', 'Dec 29 2025 is 2026-W01'],
  ])('%s: day %s, week %s, month %s (%s)', (instant, day, week, month) => {
    const time = Date.parse(instant)
    expect([localDay(time), localIsoWeek(time), localMonth(time)]).toEqual([day, week, month])
  })

  it('a DST day of 23 hours and one of 25 hours are each one day', () => {
    const spring = ['2026-03-08T00:30:00-05:00', '2026-03-08T23:30:00-04:00']
    const autumn = [
      '2026-11-01T00:10:00-04:00',
      '2026-11-01T01:30:00-05:00',
      '2026-11-01T23:50:00-05:00',
    ]
    for (const day of [spring, autumn]) {
      const buckets = day.map((t) => localDay(Date.parse(t)))
      expect(new Set(buckets).size).toBe(1)
    }
    expect(localDay(Date.parse('2026-03-09T00:10:00-04:00'))).toBe('2026-03-09')
    expect(localDay(Date.parse('2026-11-02T00:10:00-05:00'))).toBe('2026-11-02')
  })
})

describe('calendar buckets are local (Auckland, UTC+13 in summer)', () => {
  inTimeZone('Pacific/Auckland')

  it('23:30 and 00:30 the next morning share a UTC date but are two days', () => {
    const late = stampTime('x-2026-12-05T23.30.00.tar.xz')!
    const early = stampTime('x-2026-12-06T00.30.00.tar.xz')!
    expect(new Date(late).toISOString().slice(0, 10)).toBe('2026-12-05')
    expect(new Date(early).toISOString().slice(0, 10)).toBe('2026-12-05')
    expect([localDay(late), localDay(early)]).toEqual(['2026-12-05', '2026-12-06'])
  })
})
