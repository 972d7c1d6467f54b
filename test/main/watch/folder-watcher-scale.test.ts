import { utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { recordWatch, removeTempDirs, sleep, tmp, until } from './watch-harness.ts'

afterAll(removeTempDirs)

const FILES = 10_000

describe('watchFolder at scale', () => {
  it('scans 10,000 existing backups at start and reports each exactly once', async () => {
    const dir = tmp('watch-10k')
    const past = new Date(Date.now() - 3_600_000)
    for (let i = 0; i < FILES; i++) {
      const path = join(dir, `2026-01-01T00.00.${String(i).padStart(5, '0')}.tar.xz`)
      writeFileSync(path, String(i))
      // Most are old backups; every tenth was just written and has to settle first.
      if (i % 10 !== 0) utimesSync(path, past, past)
    }
    const watch = recordWatch({ dir, settleMs: 500 })
    try {
      await until(() => watch.scans.length === 1, 'scan complete', 60_000)
      expect(watch.scans).toEqual([FILES])
      await until(() => watch.ready.length >= FILES, 'all reported', 60_000)
      await sleep(1000)
      expect(watch.ready).toHaveLength(FILES)
      expect(new Set(watch.ready.map((file) => file.path)).size).toBe(FILES)
      const sample = watch.ready.find((file) => file.name.endsWith('.01234.tar.xz'))
      expect(sample?.size).toBe(4)
    } finally {
      await watch.close()
    }
  })
})
