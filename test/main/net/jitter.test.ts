import { describe, expect, it } from 'vitest'
import { fetchWithRetry } from '../../../src/main/net/fetch-with-retry.ts'
import { askedWait, fullJitter } from '../../../src/main/net/jitter.ts'
import {
  abortableWait,
  backoffMs as stepBackoffMs,
  MAX_WAIT_MS,
} from '../../../src/main/providers/dropbox/retry-wait.ts'
import { backoffMs as queueBackoffMs } from '../../../src/main/uploads/retry-policy.ts'
import { isAppError } from '../../../src/shared/app-error.ts'

/** Two installs that failed at the same moment, and drew different random numbers. */
const DRAWS = [0.1, 0.9] as const
const EDGES = [0, 0.999999] as const

/** The waits fetchWithRetry takes for one answer repeated, as one install with this draw. */
async function waitsFor(answer: () => Response, draw: number): Promise<number[]> {
  const waits: number[] = []
  await fetchWithRetry(
    async () => answer(),
    'http://127.0.0.1:9/2/route',
    {},
    {
      attempts: 3,
      random: () => draw,
      sleep: async (ms) => void waits.push(ms),
    },
  )
  return waits
}

const tooMany =
  (headers: Record<string, string>, body = '') =>
  () =>
    new Response(body, { status: 429, headers })

describe('backoff is jittered everywhere, within its bounds', () => {
  it('a Retry-After is waited out a little longer, never shorter, and not in lockstep', async () => {
    const [one, two] = await Promise.all(
      DRAWS.map((draw) => waitsFor(tooMany({ 'retry-after': '2' }), draw)),
    )
    expect(one).not.toEqual(two)
    for (const wait of [...one!, ...two!]) {
      expect(wait).toBeGreaterThanOrEqual(2000)
      expect(wait).toBeLessThanOrEqual(2500)
    }
  })

  it('so is a retry_after in a JSON 429 body', async () => {
    const body = JSON.stringify({ error: { retry_after: 30 } })
    const [one, two] = await Promise.all(DRAWS.map((draw) => waitsFor(tooMany({}, body), draw)))
    expect(one![0]).not.toBe(two![0])
    for (const wait of [...one!, ...two!]) {
      expect(wait).toBeGreaterThanOrEqual(30_000)
      expect(wait).toBeLessThanOrEqual(33_000)
    }
  })

  it('5xx without Retry-After backs off with full jitter up to the doubling ceiling', async () => {
    const unavailable = () => new Response('busy', { status: 503 })
    const [one, two] = await Promise.all(DRAWS.map((draw) => waitsFor(unavailable, draw)))
    expect(one).not.toEqual(two)
    for (const draw of EDGES) {
      const [first, second] = await waitsFor(unavailable, draw)
      expect(first).toBeGreaterThanOrEqual(0)
      expect(first).toBeLessThanOrEqual(500)
      expect(second).toBeLessThanOrEqual(1000)
    }
  })

  it('the queue backs off 50–100 % of 2 s, 4 s, 8 s … capped at 5 minutes', () => {
    for (const attempt of [1, 2, 3, 10, 30]) {
      const ceiling = Math.min(300_000, 2000 * 2 ** (attempt - 1))
      const [low, high] = EDGES.map((draw) => queueBackoffMs(attempt, () => draw))
      expect(low).toBe(ceiling / 2)
      expect(high).toBeLessThanOrEqual(ceiling)
      const [one, two] = DRAWS.map((draw) => queueBackoffMs(attempt, () => draw))
      expect(one).not.toBe(two)
    }
  })

  it('a busy Dropbox step (409 without retry_after) backs off with full jitter up to 30 s', () => {
    for (const attempt of [1, 3, 10]) {
      const ceiling = Math.min(30_000, 1000 * 2 ** attempt)
      expect(stepBackoffMs(attempt, () => 0)).toBe(0)
      expect(stepBackoffMs(attempt, () => 0.999999)).toBeLessThanOrEqual(ceiling)
      const [one, two] = DRAWS.map((draw) => stepBackoffMs(attempt, () => draw))
      expect(one).not.toBe(two)
    }
  })

  it('fullJitter and askedWait keep their bounds', () => {
    expect(EDGES.map((draw) => fullJitter(1000, () => draw))).toEqual([0, 1000])
    expect(askedWait(400_000, () => 0)).toBe(400_000)
    expect(askedWait(400_000, () => 0.999999)).toBeLessThanOrEqual(440_000)
    expect(askedWait(1000, () => 0.999999)).toBeLessThanOrEqual(1500)
  })
})

describe('a wait too long to hold an upload', () => {
  it('is handed back as rate_limited carrying the wait, without sleeping', async () => {
    const slept: number[] = []
    const wait = abortableWait(async (ms) => void slept.push(ms), new AbortController().signal)
    const error = await wait(MAX_WAIT_MS + 1000).catch((thrown: unknown) => thrown)
    expect(isAppError(error, 'rate_limited')).toBe(true)
    expect((error as { retryAfterMs?: number }).retryAfterMs).toBe(MAX_WAIT_MS + 1000)
    expect(slept).toEqual([])
  })
})
