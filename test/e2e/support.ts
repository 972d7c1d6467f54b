import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '../..')

/** Builds the renderer as `npm start` would, so the browser tests see the current source. */
export function buildRenderer(): string {
  execFileSync(
    process.execPath,
    [resolve(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    {
      cwd: ROOT,
      stdio: 'ignore',
    },
  )
  return resolve(ROOT, 'out/renderer')
}
