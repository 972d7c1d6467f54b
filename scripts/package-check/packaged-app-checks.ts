// The checks `npm run package:check` runs on the app electron-builder produced. Each returns the
// problems it found; an empty list is a pass.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { extractFile, listPackage, statFile } from '@electron/asar'
import { getCurrentFuseWire } from '@electron/fuses'
import { fuseIndex } from './stand-in-electron.ts'
import {
  importedPackages,
  type Manifest,
  nameAt,
  runtimeClosure,
  type Tree,
} from './package-closure.ts'

export interface PackagedApp {
  /** The staged project that was packaged (its lockfile and node_modules). */
  projectDir: string
  /** The checkout, for the renderer's sources. */
  sourceDir: string
  /** `<release>/linux-unpacked`. */
  appOutDir: string
  executable: string
  /** electron-builder.yml's `electronFuses`. */
  fuses: Record<string, boolean>
}

export interface Check {
  name: string
  run(app: PackagedApp): Promise<string[]> | string[]
}

export const asarPath = (app: PackagedApp) => path.join(app.appOutDir, 'resources', 'app.asar')
const unpackedDir = (app: PackagedApp) => `${asarPath(app)}.unpacked`

function inAsar(app: PackagedApp, file: string): boolean {
  try {
    statFile(asarPath(app), file)
    return true
  } catch {
    return false
  }
}

const readAsar = (app: PackagedApp, file: string) =>
  extractFile(asarPath(app), file).toString('utf8')

function packagedManifest(app: PackagedApp): { main: string } {
  return JSON.parse(readAsar(app, 'package.json'))
}

/** The node_modules tree inside app.asar, by install path. */
function asarTree(app: PackagedApp): Map<string, Manifest> {
  const tree = new Map<string, Manifest>()
  for (const file of listPackage(asarPath(app), { isPack: false })) {
    const match = /^\/((?:node_modules\/(?:@[^/]+\/)?[^/]+\/)+)package\.json$/.exec(file)
    if (match) tree.set((match[1] as string).slice(0, -1), JSON.parse(readAsar(app, file.slice(1))))
  }
  return tree
}

/** The project's installed tree, as the lockfile records it. */
function lockTree(app: PackagedApp): Tree {
  const lock = JSON.parse(readFileSync(path.join(app.projectDir, 'package-lock.json'), 'utf8'))
  const packages = lock.packages as Record<string, Manifest>
  // The lockfile also lists other platforms' optional binaries, which are not installed.
  return (key) =>
    packages[key] && existsSync(path.join(app.projectDir, key, 'package.json'))
      ? packages[key]
      : undefined
}

function mainBundlePackages(app: PackagedApp): Set<string> {
  const packages = importedPackages(readAsar(app, packagedManifest(app).main))
  // Electron provides `electron` itself.
  packages.delete('electron')
  return packages
}

/** What the main process loads, resolved inside the asar as Electron will at run time. */
function mainClosure(app: PackagedApp) {
  const tree = asarTree(app)
  return { tree, ...runtimeClosure((key) => tree.get(key), mainBundlePackages(app)) }
}

// The renderer is one Vite bundle: every package its sources import is inside it already.
function rendererPackageNames(app: PackagedApp): Set<string> {
  const roots = new Set<string>()
  for (const dir of ['src/renderer', 'src/shared']) {
    for (const file of sourceFiles(path.join(app.sourceDir, dir))) {
      for (const name of importedPackages(readFileSync(file, 'utf8'))) roots.add(name)
    }
  }
  return new Set([...runtimeClosure(lockTree(app), roots).paths].map(nameAt))
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(?:ts|tsx)$/.test(file))
    .map((file) => path.join(dir, file))
}

const label = (key: string, manifest: Manifest) => `${nameAt(key)}@${manifest.version}`

export const checks: Check[] = [
  {
    name: 'the main entry in package.json resolves inside app.asar',
    run: (app) => {
      const { main } = packagedManifest(app)
      return inAsar(app, main) ? [] : [`package.json "main" is ${main}, which app.asar lacks`]
    },
  },
  {
    // main.ts takes outDir as the folder above the main bundle; desktop-shell.ts adds
    // preload/index.cjs and companion-wiring.ts serves renderer/ from it.
    name: 'the preload and renderer files the main process computes are in app.asar',
    run: (app) => {
      const outDir = path.posix.dirname(path.posix.dirname(packagedManifest(app).main))
      const html = `${outDir}/renderer/index.html`
      const wanted = [`${outDir}/preload/index.cjs`, html]
      if (inAsar(app, html)) {
        const page = extractFile(asarPath(app), html).toString('utf8')
        for (const [, ref] of page.matchAll(/(?:src|href)="\.\/([^"]+)"/g)) {
          wanted.push(`${outDir}/renderer/${ref}`)
        }
      }
      return wanted.filter((file) => !inAsar(app, file)).map((file) => `missing ${file}`)
    },
  },
  {
    name: "keytar's native module is unpacked next to app.asar",
    run: (app) => {
      const file = 'node_modules/keytar/build/Release/keytar.node'
      const problems: string[] = []
      if (!existsSync(path.join(unpackedDir(app), file))) problems.push(`missing unpacked ${file}`)
      if (inAsar(app, file) && !('unpacked' in statFile(asarPath(app), file))) {
        problems.push(`${file} is packed inside app.asar, where it cannot be loaded`)
      }
      return problems
    },
  },
  {
    name: 'the tray icons are in resources/tray',
    run: (app) => {
      const icons = readdirSync(path.join(app.sourceDir, 'assets', 'tray')).filter((f) =>
        f.endsWith('.png'),
      )
      const dir = path.join(app.appOutDir, 'resources', 'tray')
      if (icons.length === 0) return ['assets/tray holds no icons']
      return icons.filter((icon) => !existsSync(path.join(dir, icon))).map((i) => `missing ${i}`)
    },
  },
  {
    name: 'every package the main process loads ships, with its dependencies',
    run: (app) => mainClosure(app).missing.map((name) => `app.asar lacks ${name}`),
  },
  {
    name: 'no devDependency ships',
    run: (app) => {
      const lock = JSON.parse(readFileSync(path.join(app.projectDir, 'package-lock.json'), 'utf8'))
      // electron-builder may move a package to another install path, so compare name@version.
      const needed = new Set(
        Object.entries(lock.packages as Record<string, Manifest>)
          .filter(([key, entry]) => key !== '' && entry.dev !== true)
          .map(([key, entry]) => label(key, entry)),
      )
      return [...asarTree(app)]
        .filter(([key, manifest]) => !needed.has(label(key, manifest)))
        .map(([key, manifest]) => `${label(key, manifest)} ships, but only devDependencies need it`)
    },
  },
  {
    name: 'nothing the renderer bundle already contains ships',
    run: (app) => {
      const { tree, paths } = mainClosure(app)
      const renderer = rendererPackageNames(app)
      return [...tree.keys()]
        .filter((key) => renderer.has(nameAt(key)) && !paths.has(key))
        .map((key) => `${nameAt(key)} ships, but Vite bundles it into the renderer`)
    },
  },
  {
    name: 'each fuse reads back as electron-builder.yml configures it',
    run: async (app) => {
      const wire = await getCurrentFuseWire(path.join(app.appOutDir, app.executable))
      return Object.entries(app.fuses).flatMap(([name, wanted]) => {
        const index = fuseIndex(name)
        if (index === undefined)
          return [`electronFuses.${name} is not a fuse @electron/fuses knows`]
        // The wire holds ASCII '1' (49) or '0' (48); 'r' (114) marks a removed fuse.
        const state = (wire as Record<number, number>)[index]
        const actual = state === 49 ? true : state === 48 ? false : `state ${state}`
        return actual === wanted ? [] : [`${name} reads ${actual}, configured ${wanted}`]
      })
    },
  },
]

/** Packages that ship although the main process never loads them: worth a look, not a failure. */
export function unusedShipped(app: PackagedApp): string[] {
  const { tree, paths } = mainClosure(app)
  return [...tree.keys()].filter((key) => !paths.has(key)).map(nameAt)
}

export function asarBytes(app: PackagedApp): number {
  return statSync(asarPath(app)).size
}
