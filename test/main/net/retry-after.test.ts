import { describe, expect, it } from 'vitest'
import { fetchWithRetry } from '../../../src/main/net/fetch-with-retry.ts'
import { parseRetryAfter, retryAfterMs } from '../../../src/main/net/retry-after.ts'
import { MAX_HOLD_MS, RetryGate } from '../../../src/main/net/retry-gate.ts'

const NOW = Date.UTC(2026, 11, 6, 10, 0, 0)
const httpDate = (ms: number) => new Date(ms).toUTCString()

describe('Retry-After is read as the server wrote it (RFC 9110 §10.2.3)', () => {
  it('delta-seconds, to the millisecond', () => {
    expect(parseRetryAfter('7', NOW)).toBe(7000)
    expect(parseRetryAfter(' 120 ', NOW)).toBe(120_000)
    expect(parseRetryAfter('1.5', NOW)).toBe(1500)
  })

  it('an HTTP-date, counted from our clock', () => {
    expect(parseRetryAfter(httpDate(NOW + 30_000), NOW)).toBe(30_000)
    expect(parseRetryAfter('Sun, 06 Dec 2026 10:01:00 GMT', NOW)).toBe(60_000)
  })

  it('nothing usable: absent, zero, garbage, or a date already past', () => {
    for (const value of [null, undefined, '', '0', 'soon', '-5', httpDate(NOW - 1000)])
      expect(parseRetryAfter(value, NOW)).toBeUndefined()
  })

  it("the header wins over Dropbox's JSON retry_after, which is used without it", () => {
    const body = JSON.stringify({ error: { retry_after: 4 } })
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }), body, NOW)).toBe(2000)
    expect(retryAfterMs(new Headers(), body, NOW)).toBe(4000)
    expect(retryAfterMs(new Headers(), 'Too many requests', NOW)).toBeUndefined()
  })
})

/** The waits fetchWithRetry takes for these answers in turn, on a clock it moves itself. */
async function waitsFor(answers: Response[], draw: number, gate?: RetryGate) {
  const clock = { now: NOW }
  const waits: number[] = []
  await fetchWithRetry(
    async () => answers.shift() ?? new Response('ok'),
    'http://127.0.0.1:9/2/route',
    {},
    {
      random: () => draw,
      now: () => clock.now,
      gate,
      sleep: async (ms) => {
        waits.push(ms)
        clock.now += ms
      },
    },
  )
  return waits
}

describe('fetchWithRetry waits at least what was asked, jitter only on top', () => {
  it('an HTTP-date on a 503 is waited out to the second, whatever the draw', async () => {
    for (const draw of [0, 0.5, 0.999999]) {
      const answer = new Response('down', {
        status: 503,
        headers: { 'retry-after': httpDate(NOW + 42_000) },
      })
      const [wait] = await waitsFor([answer], draw)
      expect(wait).toBeGreaterThanOrEqual(42_000)
    }
  })

  it('one Retry-After holds back the other requests sharing the gate, not only the refused one', async () => {
    const clock = { now: NOW }
    const gate = new RetryGate(() => clock.now)
    const refused = new Response('{}', { status: 429, headers: { 'retry-after': '9' } })
    // The last try returns the 429 to its caller, and still closes the gate: 9 s and a spread.
    await fetchWithRetry(
      async () => refused,
      'http://127.0.0.1:9/a',
      {},
      {
        attempts: 1,
        gate,
        random: () => 0,
      },
    )
    expect(gate.remaining()).toBe(9000)
    const waits: number[] = []
    await fetchWithRetry(
      async () => new Response('ok'),
      'http://127.0.0.1:9/b',
      {},
      {
        gate,
        random: () => 0,
        sleep: async (ms) => {
          waits.push(ms)
          clock.now += ms
        },
      },
    )
    expect(waits).toEqual([9000])
    expect(gate.remaining()).toBe(0)
  })
})

describe('a gate spreads the installs refused together, wider each time', () => {
  const gateAt = () => {
    const clock = { now: NOW }
    return { clock, gate: new RetryGate(() => clock.now) }
  }

  it('a Retry-After is never shortened; the spread on top doubles with each refusal in a row', () => {
    const { clock, gate } = gateAt()
    const spreads: number[] = []
    for (let refusal = 0; refusal < 5; refusal++) {
      gate.refused(1000, () => 0)
      expect(gate.remaining()).toBe(1000)
      clock.now += gate.remaining()
      gate.refused(1000, () => 0.999999)
      spreads.push(gate.remaining() - 1000)
      clock.now += gate.remaining()
    }
    // Two refusals per round: 500 ms × 2, × 8, × 32 … up to the one-minute cap.
    expect(spreads[0]).toBeLessThanOrEqual(1000)
    expect(spreads[1]).toBeGreaterThan(3000)
    expect(spreads[4]).toBeLessThanOrEqual(60_000)
    expect(spreads[4]).toBeGreaterThan(59_000)
  })

  it('answers that get through narrow it again, one step each', () => {
    const { clock, gate } = gateAt()
    for (let i = 0; i < 3; i++) gate.refused(1000, () => 0)
    gate.passed()
    gate.passed()
    clock.now += 10_000
    gate.refused(1000, () => 0.999999)
    expect(gate.remaining()).toBeLessThanOrEqual(1000 + 1000)
    expect(gate.remaining()).toBeGreaterThan(1000 + 500)
  })

  it('an outage (5xx, no Retry-After) reopens after full jitter from 4 s, doubling', () => {
    const { clock, gate } = gateAt()
    gate.failed(() => 0.999999)
    expect(gate.remaining()).toBeLessThanOrEqual(4000)
    expect(gate.remaining()).toBeGreaterThan(3900)
    clock.now += 4000
    gate.failed(() => 0.5)
    expect(gate.remaining()).toBe(4000)
  })

  it('a wait longer than five minutes is left to the queue: the gate stays open', async () => {
    const { gate } = gateAt()
    expect(gate.refused(MAX_HOLD_MS + 1000)).toBe(false)
    expect(gate.remaining()).toBe(0)
    const waits: number[] = []
    const tooLong = new Response('{}', { status: 429, headers: { 'retry-after': '400' } })
    await fetchWithRetry(
      async () => tooLong,
      'http://127.0.0.1:9/a',
      {},
      {
        attempts: 2,
        gate,
        random: () => 0,
        sleep: async (ms) => void waits.push(ms),
      },
    )
    // The request itself still waits what it was told (a provider hands that to the queue).
    expect(waits).toEqual([400_000])
    expect(gate.remaining()).toBe(0)
  })

  it('a longer hold already set is not shortened by a later, shorter one', () => {
    const { gate } = gateAt()
    gate.refused(30_000, () => 0)
    gate.refused(1000, () => 0)
    expect(gate.remaining()).toBe(30_000)
  })

  it('after a refusal one request goes first; the others wait for its answer', () => {
    const { clock, gate } = gateAt()
    gate.failed(() => 0.5)
    clock.now += gate.remaining()
    expect(gate.waitFor(() => 0)).toBe(0) // the probe
    expect(gate.waitFor(() => 0.5)).toBe(250) // the next one waits while it is out
    gate.passed()
    expect(gate.waitFor(() => 0.5)).toBe(0)
  })

  it('each request waiting at a closed gate adds up to half a second of its own', () => {
    const { gate } = gateAt()
    expect(gate.waitFor(() => 0.999999)).toBe(0)
    gate.refused(2000, () => 0)
    expect(gate.waitFor(() => 0)).toBe(2000)
    expect(gate.waitFor(() => 0.999999)).toBeLessThanOrEqual(2500)
  })
})
