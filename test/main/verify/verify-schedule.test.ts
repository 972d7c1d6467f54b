import { rmSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { VerifyRuns } from '../../../src/main/verify/verify-runs.ts'
import { verifyDue, VerifySchedule, WEEK_MS } from '../../../src/main/verify/verify-schedule.ts'
import { tempDir } from '../../support/cli-process.ts'

const DAY = 24 * 60 * 60 * 1000
const START = Date.parse('2026-12-01T10:00:00.000Z')

const homes: string[] = []
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true })
})

describe('verifyDue', () => {
  it.each([
    ['never checked', undefined, START, true],
    ['checked an hour ago', new Date(START - 3_600_000).toISOString(), START, false],
    [
      'checked six days and 23 hours ago',
      new Date(START - WEEK_MS + 3_600_000).toISOString(),
      START,
      false,
    ],
    ['checked exactly a week ago', new Date(START - WEEK_MS).toISOString(), START, true],
    ['checked a month ago', new Date(START - 30 * DAY).toISOString(), START, true],
    [
      'a record "in the future" (clock set back)',
      new Date(START + DAY).toISOString(),
      START,
      false,
    ],
    ['an unreadable time', 'yesterday', START, true],
  ])('%s → due %s', (_what, at, now, due) => {
    expect(verifyDue(at === undefined ? undefined : { at }, now)).toBe(due)
  })
})

/**
 * A schedule over a real record in a temp home, the clock and the timer injected: `verify`
 * records a run as verifyNewest does, at the clock's time.
 */
function schedule(options: { enabled?: () => boolean; destinations?: string[] } = {}) {
  const home = tempDir('verify-schedule')
  homes.push(home)
  const runs = new VerifyRuns(home)
  const clock = { now: START }
  const checked: string[] = []
  let ticks = 0
  const make = () =>
    new VerifySchedule({
      enabled: options.enabled ?? (() => true),
      destinations: () => options.destinations ?? ['dropbox-1', 'local'],
      last: (id) => runs.last(id),
      verify: async (id) => {
        checked.push(id)
        runs.record({
          connection_id: id,
          at: new Date(clock.now).toISOString(),
          names: ['b.tar.xz'],
          outcome: 'verified',
          reason: null,
        })
      },
      now: () => clock.now,
      log: { warn: () => {} },
      setInterval: () => ({ unref: () => (ticks++, undefined) }),
      clearInterval: () => {},
    })
  return { make, clock, checked, runs, unrefs: () => ticks }
}

describe('VerifySchedule', () => {
  it('checks each destination once, then not again until a week has passed, across restarts', async () => {
    const s = schedule()
    const first = s.make()
    first.start()
    await first.tick()
    expect(s.checked).toEqual(['dropbox-1', 'local'])
    expect(s.unrefs()).toBe(1)

    // Six days later, a restarted watch: the record says not yet.
    first.stop()
    s.clock.now += 6 * DAY
    const restarted = s.make()
    restarted.start()
    await restarted.tick()
    expect(s.checked).toEqual(['dropbox-1', 'local'])

    // A day more: a week since the last check, so both are due again.
    s.clock.now += DAY
    await restarted.tick()
    expect(s.checked).toEqual(['dropbox-1', 'local', 'dropbox-1', 'local'])
    restarted.stop()
  })

  it('checks only the destination whose last check is old', async () => {
    const s = schedule()
    s.runs.record({
      connection_id: 'local',
      at: new Date(START - DAY).toISOString(),
      names: ['a.tar.xz'],
      outcome: 'mismatch',
      reason: 'damaged',
    })
    s.runs.record({
      connection_id: 'dropbox-1',
      at: new Date(START - 8 * DAY).toISOString(),
      names: ['a.tar.xz'],
      outcome: 'verified',
      reason: null,
    })
    const running = s.make()
    running.start()
    await running.tick()
    expect(s.checked).toEqual(['dropbox-1'])
    running.stop()
  })

  it('does nothing while verifySchedule is off, and starts checking when it is turned on', async () => {
    let on = false
    const s = schedule({ enabled: () => on })
    const running = s.make()
    running.start()
    await running.tick()
    expect(s.checked).toEqual([])
    on = true
    await running.tick()
    expect(s.checked).toEqual(['dropbox-1', 'local'])
    running.stop()
  })

  it('checks nothing once stopped', async () => {
    const s = schedule()
    const stopped = s.make()
    stopped.stop()
    await stopped.tick()
    expect(s.checked).toEqual([])
  })
})
