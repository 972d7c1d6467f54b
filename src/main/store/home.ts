import { homedir } from 'node:os'
import { join } from 'node:path'

export const APP_DIR_NAME = 'fermentrack-backup-companion'

/**
 * The one directory that holds all state: settings, queue, history, logs and the file secret store.
 * FTB_HOME wins; otherwise the platform's config directory (the Electron shell passes userData).
 */
export function resolveHome(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): string {
  if (env.FTB_HOME) return env.FTB_HOME
  if (platform === 'win32')
    return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_DIR_NAME)
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_DIR_NAME)
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), APP_DIR_NAME)
}

/** Files in the home that the engine itself opens (the stores name their own). */
export function homePaths(home: string) {
  return {
    signIns: join(home, 'sign-ins.json'),
    log: join(home, 'logs', 'companion.log'),
  }
}
