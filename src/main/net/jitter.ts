/** A source of uniform numbers in [0, 1): Math.random, or a fixed draw in tests. */
export type Random = () => number

/**
 * Full jitter: anywhere from 0 to `ceilingMs`. Clients that failed at the same moment (an outage
 * ends for thousands of installs at once) then come back spread out instead of in lockstep.
 */
export function fullJitter(ceilingMs: number, random: Random = Math.random): number {
  return Math.round(random() * ceilingMs)
}

/**
 * A wait the server asked for (Retry-After), plus a little: never less than asked, and at most a
 * tenth more (at least half a second), so everyone told "60 s" does not return on the same tick.
 */
export function askedWait(ms: number, random: Random = Math.random): number {
  return Math.ceil(ms + random() * Math.max(500, ms / 10))
}
