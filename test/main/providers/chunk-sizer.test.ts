import { describe, expect, it } from 'vitest'
import { ChunkSizer } from '../../../src/main/providers/chunk-sizer.ts'

const MiB = 1024 * 1024
const rules = { granule: 4 * MiB, min: 4 * MiB, max: 64 * MiB }

describe('ChunkSizer', () => {
  it('starts at the given size, fitted to the granule and the limits', () => {
    expect(new ChunkSizer(rules, 8 * MiB).size).toBe(8 * MiB)
    expect(new ChunkSizer(rules, 9 * MiB).size).toBe(8 * MiB)
    expect(new ChunkSizer(rules, 1 * MiB).size).toBe(4 * MiB)
    expect(new ChunkSizer(rules, 500 * MiB).size).toBe(64 * MiB)
  })

  it('grows on a fast link so that a chunk takes a few seconds', () => {
    const sizer = new ChunkSizer(rules, 8 * MiB)
    sizer.record(8 * MiB, 1000) // 8 MiB/s → about 4 s worth
    expect(sizer.size).toBe(32 * MiB)
    for (let i = 0; i < 10; i++) sizer.record(sizer.size, sizer.size / ((50 * MiB) / 1000))
    expect(sizer.size).toBe(64 * MiB) // capped at the provider's limit
  })

  it('shrinks on a slow link, down to the minimum', () => {
    const sizer = new ChunkSizer(rules, 32 * MiB)
    for (let i = 0; i < 10; i++) sizer.record(sizer.size, (sizer.size / (256 * 1024)) * 1000)
    expect(sizer.size).toBe(4 * MiB)
  })

  it('keeps Drive-style granules (256 KiB) and smooths one outlier', () => {
    const drive = new ChunkSizer({ granule: 256 * 1024, min: 256 * 1024, max: 64 * MiB }, 8 * MiB)
    drive.record(8 * MiB, 4000) // 2 MiB/s → 8 MiB
    expect(drive.size).toBe(8 * MiB)
    drive.record(8 * MiB, 40_000) // one slow answer moves it, but not to a tenth
    expect(drive.size % (256 * 1024)).toBe(0)
    expect(drive.size).toBeGreaterThan(4 * MiB)
    expect(drive.size).toBeLessThan(8 * MiB)
  })

  it('ignores tail chunks smaller than a granule', () => {
    const sizer = new ChunkSizer(rules, 8 * MiB)
    sizer.record(1000, 1000)
    expect(sizer.size).toBe(8 * MiB)
  })
})

describe('ChunkSizer, not adaptive (adaptiveChunkSize false)', () => {
  it('keeps every chunk at the fitted starting size', () => {
    const sizer = new ChunkSizer(rules, 8 * MiB, false)
    sizer.record(8 * MiB, 10)
    sizer.record(8 * MiB, 100_000)
    expect(sizer.size).toBe(8 * MiB)
  })
})
