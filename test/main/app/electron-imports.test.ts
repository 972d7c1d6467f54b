// Only main.ts may load electron at run time: every other shell module takes Electron's objects
// as arguments (`import type`), which is what lets these tests run without the Electron binary.
import { readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const dir = fileURLToPath(new URL('../../../src/main/app/', import.meta.url))

describe('src/main/app', () => {
  it('loads electron at run time from main.ts alone', () => {
    const loaders = readdirSync(dir)
      .filter((file) => file.endsWith('.ts'))
      .filter((file) => {
        const source = readFileSync(dir + file, 'utf8')
        // Clauses can't contain quotes, so each match stays within one import statement.
        return /^\s*import\s+(?!type\s)[^'"]*?from\s+'electron(\/[^']*)?'/m.test(source)
      })
    expect(loaders).toEqual(['main.ts'])
  })
})
