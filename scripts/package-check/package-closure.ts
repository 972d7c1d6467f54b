// Which installed packages a set of imports needs at run time, by Node's lookup rules, over any
// node_modules tree: the npm lockfile's (v3 `packages`, keyed by install path such as
// `node_modules/a/node_modules/b`) or the one inside app.asar, which electron-builder lays out
// anew (it hoists nested packages when nothing else claims their place).
import { isBuiltin } from 'node:module'

export interface Manifest {
  name?: string
  version?: string
  dev?: boolean
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, { optional?: boolean }>
}

/** The manifest of the package installed at an install path, if one is there. */
export type Tree = (installPath: string) => Manifest | undefined

/** The package a bare import specifier names (`@scope/name/sub` → `@scope/name`), or undefined. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || isBuiltin(specifier)) return
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

/** Package names imported by ES module source text: static, re-exported and dynamic imports. */
export function importedPackages(source: string): Set<string> {
  const found = new Set<string>()
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["']([^"']+)["']/g
  for (const match of source.matchAll(pattern)) {
    const name = packageOf(match[1] as string)
    if (name) found.add(name)
  }
  return found
}

/**
 * Install paths of every package the roots need: dependencies, required peers, and the optional
 * dependencies present in the tree (platform binaries). `missing` names what the tree lacks.
 */
export function runtimeClosure(
  tree: Tree,
  roots: Iterable<string>,
): { paths: Set<string>; missing: string[] } {
  const paths = new Set<string>()
  const missing: string[] = []
  const visit = (name: string, from: string, optional: boolean) => {
    const key = resolve(tree, name, from)
    if (key === undefined) {
      if (!optional) missing.push(`${name} (needed by ${from || 'the main bundle'})`)
      return
    }
    if (paths.has(key)) return
    paths.add(key)
    const manifest = tree(key) as Manifest
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep, key, false)
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) visit(dep, key, true)
    for (const dep of Object.keys(manifest.peerDependencies ?? {})) {
      visit(dep, key, manifest.peerDependenciesMeta?.[dep]?.optional === true)
    }
  }
  for (const root of roots) visit(root, '', false)
  return { paths, missing }
}

/** The package name an install path holds (`node_modules/a/node_modules/@s/b` → `@s/b`). */
export function nameAt(installPath: string): string {
  return installPath.slice(installPath.lastIndexOf('node_modules/') + 'node_modules/'.length)
}

// Node's lookup: the nearest node_modules folder up the install path that holds the package.
function resolve(tree: Tree, name: string, from: string): string | undefined {
  let base = from
  for (;;) {
    const key = `${base ? base + '/' : ''}node_modules/${name}`
    if (tree(key)) return key
    if (base === '') return undefined
    base = base.replace(/\/?node_modules\/(?:@[^/]+\/)?[^/]+$/, '')
  }
}
