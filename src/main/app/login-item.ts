import type { App } from 'electron'
import type { Logger } from '../log/logger.ts'
import {
  HIDDEN_FLAG,
  autostartFile,
  removeAutostartEntry,
  writeAutostartEntry,
} from './autostart-entry.ts'

export interface LoginItemOptions {
  app: Pick<App, 'setLoginItemSettings'>
  platform: NodeJS.Platform
  env: NodeJS.ProcessEnv
  /** How to start this app (launch-command.ts). */
  command: readonly string[]
  log: Logger
}

/**
 * Keeps the OS login item in step with the startAtLogin setting: set at start, then again only
 * when the setting changes. The app always starts minimized to the tray at login.
 */
export class LoginItem {
  private readonly options: LoginItemOptions
  private applied: boolean | undefined
  // One change at a time, so a quick on-off-on can't leave the file removed.
  private queue: Promise<void> = Promise.resolve()

  constructor(options: LoginItemOptions) {
    this.options = options
  }

  apply(enabled: boolean): Promise<void> {
    this.queue = this.queue.then(() => this.applyNow(enabled))
    return this.queue
  }

  private async applyNow(enabled: boolean): Promise<void> {
    if (enabled === this.applied) return
    this.applied = enabled
    const { app, platform, env, command, log } = this.options
    try {
      if (platform === 'linux') {
        const file = autostartFile(env)
        await (enabled ? writeAutostartEntry(file, command) : removeAutostartEntry(file))
      } else if (platform === 'win32') {
        // Electron >= 42 quotes each argument itself when it writes the Run key
        // (electron/electron#50016); quoting here too would register `""C:\my repo""`.
        const [exe, ...rest] = command
        app.setLoginItemSettings({ openAtLogin: enabled, path: exe, args: [...rest, HIDDEN_FLAG] })
      } else {
        // macOS ignores args; wasOpenedAtLogin tells the app to stay hidden instead.
        app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_FLAG] })
      }
      log.info('start at login updated', { enabled })
    } catch (error) {
      this.applied = undefined
      log.error('could not update start at login', { enabled, error })
    }
  }
}

/** Whether this launch came from the login item, in which case the window stays in the tray. */
export function launchedHidden(
  argv: readonly string[],
  platform: NodeJS.Platform,
  app: Pick<App, 'getLoginItemSettings'>,
): boolean {
  if (argv.includes(HIDDEN_FLAG)) return true
  return platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin
}
