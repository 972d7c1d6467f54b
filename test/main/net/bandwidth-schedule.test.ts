import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { insideFullSpeed, nextSwitch } from '../../../src/main/net/bandwidth-schedule.ts'
import { applyBandwidthLimit, type CapClock } from '../../../src/main/net/bandwidth-setting.ts'
import { TokenBucket } from '../../../src/main/net/token-bucket.ts'
import { SettingsStore } from '../../../src/main/store/settings-store.ts'
import { BandwidthSchedule } from '../../../src/shared/upload-limit.ts'

/** A local time on 2026-03-10 (no DST change that day in any zone the tests run in). */
const at = (hours: number, minutes = 0, seconds = 0, day = 10) =>
  new Date(2026, 2, day, hours, minutes, seconds)

const NIGHT = { fullSpeedFrom: '00:00', fullSpeedTo: '06:00' }
const OVERNIGHT = { fullSpeedFrom: '22:30', fullSpeedTo: '06:00' }

describe('the full-speed hours', () => {
  it('hold from the start (included) to the end (not included)', () => {
    expect(insideFullSpeed(NIGHT, at(0, 0))).toBe(true)
    expect(insideFullSpeed(NIGHT, at(5, 59, 59))).toBe(true)
    expect(insideFullSpeed(NIGHT, at(6, 0))).toBe(false)
    expect(insideFullSpeed(NIGHT, at(23, 59, 59))).toBe(false)
  })

  it('run over midnight when they end earlier than they start', () => {
    expect(insideFullSpeed(OVERNIGHT, at(22, 29, 59))).toBe(false)
    expect(insideFullSpeed(OVERNIGHT, at(22, 30))).toBe(true)
    expect(insideFullSpeed(OVERNIGHT, at(3, 0))).toBe(true)
    expect(insideFullSpeed(OVERNIGHT, at(6, 0))).toBe(false)
    expect(insideFullSpeed(OVERNIGHT, at(12, 0))).toBe(false)
  })

  it('switch next at whichever edge comes first, today or tomorrow', () => {
    expect(nextSwitch(NIGHT, at(3, 0))).toBe(at(6, 0).getTime())
    expect(nextSwitch(NIGHT, at(6, 0))).toBe(at(0, 0, 0, 11).getTime())
    expect(nextSwitch(OVERNIGHT, at(12, 0))).toBe(at(22, 30).getTime())
    expect(nextSwitch(OVERNIGHT, at(23, 0))).toBe(at(6, 0, 0, 11).getTime())
    expect(nextSwitch(OVERNIGHT, at(22, 30))).toBe(at(6, 0, 0, 11).getTime())
  })

  it('are refused when malformed or empty, with the key named', () => {
    const bad = (value: unknown) => BandwidthSchedule.safeParse(value).error?.issues[0]
    expect(bad({ fullSpeedFrom: '24:00', fullSpeedTo: '06:00' })?.path).toEqual(['fullSpeedFrom'])
    expect(bad({ fullSpeedFrom: '6:00', fullSpeedTo: '07:00' })?.message).toMatch(/HH:MM/)
    expect(bad({ fullSpeedFrom: '06:00', fullSpeedTo: '06:00' })?.path).toEqual(['fullSpeedTo'])
    expect(BandwidthSchedule.safeParse(NIGHT).success).toBe(true)
  })
})

/** A clock the test moves, with the one timer the cap may hold, fired when the test says. */
class TestClock implements CapClock {
  time: number
  timers = new Map<number, { run: () => void; due: number }>()
  private ids = 0
  constructor(start: Date) {
    this.time = start.getTime()
  }
  now = () => this.time
  setTimer = (run: () => void, ms: number) => {
    this.timers.set(++this.ids, { run, due: this.time + ms })
    return this.ids
  }
  clearTimer = (id: unknown) => void this.timers.delete(id as number)
  /** When the pending timer is due (one at most), or undefined. */
  due(): number | undefined {
    expect(this.timers.size).toBeLessThanOrEqual(1)
    return [...this.timers.values()][0]?.due
  }
  /** Moves to the pending timer's due time and runs it, as the event loop would. */
  fire(): void {
    const [id, timer] = [...this.timers.entries()][0]!
    this.timers.delete(id)
    this.time = timer.due
    timer.run()
  }
}

describe('the cap under full-speed hours', () => {
  const homes: string[] = []
  afterAll(() => homes.forEach((home) => rmSync(home, { recursive: true, force: true })))
  function store(change: Partial<ReturnType<SettingsStore['get']>>): SettingsStore {
    const home = mkdtempSync(join(tmpdir(), 'ftb-schedule-'))
    homes.push(home)
    const settings = new SettingsStore(home)
    settings.update((s) => ({ ...s, ...change }))
    return settings
  }

  it('is lifted at the window start and applied again at its end, by one timer each time', () => {
    const settings = store({ bandwidthLimit: 1000, bandwidthSchedule: NIGHT })
    const clock = new TestClock(at(23, 0))
    const bucket = new TokenBucket(0, () => 0)
    const stop = applyBandwidthLimit({}, settings, bucket, clock)
    expect(bucket.bytesPerSecond).toBe(1000)
    expect(clock.due()).toBe(at(0, 0, 0, 11).getTime())

    clock.fire()
    expect(bucket.bytesPerSecond).toBe(0)
    expect(clock.due()).toBe(at(6, 0, 0, 11).getTime())

    clock.fire()
    expect(bucket.bytesPerSecond).toBe(1000)
    expect(clock.due()).toBe(at(0, 0, 0, 12).getTime())

    stop()
    expect(clock.timers.size).toBe(0)
  })

  it('lifts FTB_BANDWIDTH_LIMIT too inside the window', () => {
    const settings = store({ bandwidthSchedule: OVERNIGHT })
    const clock = new TestClock(at(23, 0))
    const bucket = new TokenBucket(0, () => 0)
    applyBandwidthLimit({ FTB_BANDWIDTH_LIMIT: '500K' }, settings, bucket, clock)
    expect(bucket.bytesPerSecond).toBe(0)
    clock.fire()
    expect(bucket.bytesPerSecond).toBe(500 * 1024)
  })

  it('follows a schedule set, changed or removed while running, with no timer left behind', () => {
    const settings = store({ bandwidthLimit: 4096 })
    const clock = new TestClock(at(3, 0))
    const bucket = new TokenBucket(0, () => 0)
    applyBandwidthLimit({}, settings, bucket, clock)
    expect(bucket.bytesPerSecond).toBe(4096)
    expect(clock.due()).toBeUndefined()

    settings.update((s) => ({ ...s, bandwidthSchedule: NIGHT }))
    expect(bucket.bytesPerSecond).toBe(0)
    expect(clock.due()).toBe(at(6, 0).getTime())

    settings.update((s) => ({ ...s, bandwidthSchedule: OVERNIGHT }))
    expect(bucket.bytesPerSecond).toBe(0)
    expect(clock.due()).toBe(at(6, 0).getTime())

    settings.update((s) => ({ ...s, bandwidthSchedule: null }))
    expect(bucket.bytesPerSecond).toBe(4096)
    expect(clock.due()).toBeUndefined()
  })
})
