import { afterAll, beforeAll } from 'vitest'

/**
 * Runs the enclosing describe block (or file) in one time zone: Node re-reads process.env.TZ
 * whenever it is set, and each test file runs in its own process, so no other file sees it.
 */
export function inTimeZone(zone: string): void {
  let before: string | undefined
  beforeAll(() => {
    before = process.env.TZ
    process.env.TZ = zone
  })
  afterAll(() => {
    if (before === undefined) delete process.env.TZ
    else process.env.TZ = before
  })
}
