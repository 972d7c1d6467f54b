import { describe, expect, it } from 'vitest'
import { EventThrottle } from '../../../src/main/companion/event-throttle.ts'

describe('EventThrottle', () => {
  it('passes at most one value per key per interval and delivers the latest one after it', async () => {
    const seen: number[] = []
    const throttle = new EventThrottle<number>(100, (v) => seen.push(v))
    for (let i = 1; i <= 50; i++) throttle.push(7, i)
    throttle.push(8, 1000)
    expect(seen).toEqual([1, 1000])
    await new Promise((r) => setTimeout(r, 150))
    expect(seen).toEqual([1, 1000, 50])
  })

  it('drops what is pending when a key ends', async () => {
    const seen: number[] = []
    const throttle = new EventThrottle<number>(50, (v) => seen.push(v))
    throttle.push(1, 1)
    throttle.push(1, 2)
    throttle.end(1)
    await new Promise((r) => setTimeout(r, 80))
    expect(seen).toEqual([1])
  })
})
