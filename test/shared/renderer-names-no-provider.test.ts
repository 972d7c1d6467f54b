import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PROVIDER_IDS } from '../../src/shared/provider-settings.ts'

const RENDERER = resolve(import.meta.dirname, '../../src/renderer')

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : [join(dir, entry.name)],
  )
}

describe('the window works from the registry', () => {
  it('names no storage provider anywhere in src/renderer', () => {
    // "local" is also the local folder's destination id, a word the window may use.
    const ids = PROVIDER_IDS.filter((id) => id !== 'local')
    const named = new RegExp(`\\b(${[...ids, 'google'].join('|')})\\b`, 'i')
    const hits = sources(RENDERER).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (named.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    )
    expect(hits).toEqual([])
  })
})
