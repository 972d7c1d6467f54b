import { describe, expect, it } from 'vitest'
import { TokenBucket } from '../../../src/main/net/token-bucket.ts'
import { bandwidthFromEnv } from '../../../src/main/net/bandwidth-setting.ts'

/** A sender on a simulated clock: waits as told, then sends a piece of at most the capacity. */
function simulate(bucket: TokenBucket, clock: { t: number }, untilMs: number, piece = 64 * 1024) {
  let sent = 0
  while (clock.t < untilMs) {
    const size = bucket.bytesPerSecond === 0 ? piece : Math.min(piece, bucket.capacity())
    const wait = bucket.waitMs(size)
    if (wait > 0) {
      clock.t += wait
      continue
    }
    bucket.take(size)
    sent += size
    // Sending itself takes a little time, as a socket write would.
    clock.t += 1
  }
  return sent
}

describe('the token bucket', () => {
  it('holds the rate over a simulated minute within 10 %', () => {
    const clock = { t: 0 }
    const bucket = new TokenBucket(1_000_000, () => clock.t)
    const sent = simulate(bucket, clock, 60_000)
    expect(sent / 60).toBeGreaterThan(900_000)
    expect(sent / 60).toBeLessThan(1_100_000)
  })

  it('keeps no burst: an idle hour saves up at most 1/20 s of the rate', () => {
    const clock = { t: 0 }
    const bucket = new TokenBucket(1_000_000, () => clock.t)
    clock.t = 3_600_000
    expect(bucket.waitMs(50_000)).toBe(0)
    bucket.take(50_000)
    expect(bucket.waitMs(50_000)).toBeGreaterThan(0)
  })

  it('follows a rate changed mid-stream', () => {
    const clock = { t: 0 }
    const bucket = new TokenBucket(2_000_000, () => clock.t)
    const fast = simulate(bucket, clock, 10_000)
    bucket.setRate(500_000)
    const slow = simulate(bucket, clock, 20_000)
    expect(fast / 10).toBeGreaterThan(1_800_000)
    expect(fast / 10).toBeLessThan(2_200_000)
    expect(slow / 10).toBeGreaterThan(450_000)
    expect(slow / 10).toBeLessThan(550_000)
  })

  it('a piece cut before the rate dropped still goes, and its excess is paid afterwards', () => {
    const clock = { t: 0 }
    const bucket = new TokenBucket(10_000_000, () => clock.t)
    const piece = bucket.capacity()
    bucket.setRate(100_000)
    clock.t += bucket.waitMs(piece)
    expect(bucket.waitMs(piece)).toBe(0)
    bucket.take(piece)
    // The debt: the next KiB waits for what the big piece overdrew.
    expect(bucket.waitMs(1024)).toBeGreaterThan(4000)
  })

  it('0 is unlimited: never a wait, and a cap set to 0 mid-stream lifts at once', () => {
    const clock = { t: 0 }
    const bucket = new TokenBucket(0, () => clock.t)
    expect(bucket.waitMs(1_000_000_000)).toBe(0)
    bucket.setRate(1000)
    bucket.take(1_000_000)
    expect(bucket.waitMs(1024)).toBeGreaterThan(0)
    bucket.setRate(0)
    expect(bucket.waitMs(1_000_000_000)).toBe(0)
  })
})

describe('FTB_BANDWIDTH_LIMIT', () => {
  it.each([
    ['8M', 8 * 1024 * 1024],
    ['500K', 500 * 1024],
    ['500k', 500 * 1024],
    ['1.5M', 1.5 * 1024 * 1024],
    ['123456', 123_456],
    ['0', 0],
  ])('reads %s as %i bytes per second', (text, bytes) => {
    expect(bandwidthFromEnv({ FTB_BANDWIDTH_LIMIT: text })).toBe(bytes)
  })

  it('absent or empty leaves the setting in force', () => {
    expect(bandwidthFromEnv({})).toBeUndefined()
    expect(bandwidthFromEnv({ FTB_BANDWIDTH_LIMIT: ' ' })).toBeUndefined()
  })

  it.each(['fast', '-1M', '8X', '1e9'])('refuses %s, naming the variable', (text) => {
    expect(() => bandwidthFromEnv({ FTB_BANDWIDTH_LIMIT: text })).toThrow(/FTB_BANDWIDTH_LIMIT/)
  })
})
