// The sandboxed preload can load only the electron module and must stay one small CommonJS file: it may
// load at run time nothing but electron, its own files and the zod-free IPC name list.
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))

/** Specifiers of imports that survive compilation (type-only imports are erased). */
function runtimeImports(file: string): string[] {
  const source = readFileSync(file, 'utf8')
  const found: string[] = []
  for (const match of source.matchAll(
    /^\s*(import|export)\s+(type\s+)?([^'"]*?)\s*from\s+'([^']+)'/gm,
  )) {
    if (!match[2]) found.push(match[4]!)
  }
  for (const match of source.matchAll(/^\s*import\s+'([^']+)'/gm)) found.push(match[1]!)
  return found
}

function reachable(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>()
  const packages = new Set<string>()
  const visit = (file: string) => {
    if (files.has(file)) return
    files.add(file)
    for (const specifier of runtimeImports(file)) {
      if (specifier.startsWith('.')) visit(path.resolve(path.dirname(file), specifier))
      else packages.add(specifier)
    }
  }
  visit(entry)
  return {
    files: [...files].map((file) => path.relative(root, file)).sort(),
    packages: [...packages].sort(),
  }
}

describe('the preload bundle', () => {
  it('loads only electron, its own files and the IPC name list', () => {
    const { files, packages } = reachable(path.join(root, 'src/preload/index.ts'))
    expect(packages).toEqual(['electron'])
    expect(files).toEqual([
      'src/preload/companion-api.ts',
      'src/preload/index.ts',
      'src/shared/ipc-names.ts',
    ])
  })

  it('covers every preload source file', () => {
    const sources = readdirSync(path.join(root, 'src/preload')).filter((f) => f.endsWith('.ts'))
    expect(sources.sort()).toEqual(['companion-api.ts', 'index.ts'])
  })
})
