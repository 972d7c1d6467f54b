import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { tempDir } from '../support/cli-process.ts'

const ROOT = resolve(import.meta.dirname, '../..')
const LOCK = resolve(ROOT, 'out/.e2e-build.lock')
/** A build takes a second or two; a lock older than this was left behind. */
const STALE_LOCK_MS = 30_000

/**
 * Builds the renderer as `npm start` would, so the browser tests see the current source, and
 * returns a private copy of it. Test files run in parallel: the build is serialised by a lock
 * directory, and each file serves its own copy, so one file's rebuild (which empties out/)
 * never pulls the app from under another file's page.
 */
export function buildRenderer(): string {
  mkdirSync(resolve(ROOT, 'out'), { recursive: true })
  acquireLock()
  try {
    execFileSync(
      process.execPath,
      [resolve(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
      { cwd: ROOT, stdio: 'ignore' },
    )
    const copy = tempDir('renderer')
    cpSync(resolve(ROOT, 'out/renderer'), copy, { recursive: true })
    return copy
  } finally {
    rmSync(LOCK, { recursive: true, force: true })
  }
}

function acquireLock(): void {
  for (;;) {
    try {
      mkdirSync(LOCK)
      writeFileSync(resolve(LOCK, 'pid'), String(process.pid))
      return
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    if (lockIsStale()) rmSync(LOCK, { recursive: true, force: true })
    else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50)
  }
}

/** Left by a process that is gone (a run stopped with Ctrl-C), or simply too old. */
function lockIsStale(): boolean {
  try {
    if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) return true
    const pid = Number(readFileSync(resolve(LOCK, 'pid'), 'utf8'))
    process.kill(pid, 0)
    return false
  } catch (error) {
    // No pid file yet: its owner is between mkdir and write, so it is alive.
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
}
