import { watch } from 'chokidar'
import { dirname, resolve } from 'node:path'
import type { SettingsStore } from './settings-store.ts'

export interface SettingsFileWatch {
  close(): Promise<void>
}

/** Editors and conf write in a burst (temp file, rename): read once it has settled. */
const SETTLE_MS = 300

/**
 * Watches settings.json while the app or `watch` runs, so a hand edit (or a CLI command run
 * beside it) reaches the same listeners as a save in the window (issue #10: "a hand-edited file is
 * picked up like any other settings change"). Our own writes are not news: the store compares
 * with what it last announced. A file that is not valid settings is reported once, in one line,
 * and the settings from before stay in effect; once it reads as valid settings again, `report`
 * gets null, so whoever shows the problem can take it down.
 */
export function watchSettingsFile(
  store: Pick<SettingsStore, 'file' | 'reread'>,
  report: (problem: string | null) => void,
): SettingsFileWatch {
  const file = resolve(store.file)
  // The folder, not the file: an atomic write replaces the file, and a watch on the old one
  // would go quiet. Only the settings file itself is looked at.
  const watcher = watch(dirname(file), {
    depth: 0,
    ignoreInitial: true,
    ignored: (path) => resolve(path) !== file && resolve(path) !== dirname(file),
  })
  let timer: NodeJS.Timeout | undefined
  let reported: string | null = null
  const check = () => {
    timer = undefined
    const problem = store.reread()
    if (problem !== reported) report(problem)
    reported = problem
  }
  const changed = (path: string) => {
    if (resolve(path) !== file) return
    clearTimeout(timer)
    timer = setTimeout(check, SETTLE_MS)
  }
  watcher.on('add', changed).on('change', changed).on('unlink', changed)
  // An edit made while the watcher was starting sends no event: look once it is ready.
  watcher.on('ready', () => changed(file))
  // A watcher that cannot run (no inotify watches left) costs only live pick-up: say so once.
  watcher.on('error', (error) =>
    report(
      `Not watching ${file} for edits (${(error as Error).message}); restart to pick them up.`,
    ),
  )
  return {
    close: async () => {
      clearTimeout(timer)
      await watcher.close()
    },
  }
}
