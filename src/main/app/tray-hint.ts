// A start at login stays in the tray, but never without a way back. The first such start shows
// the window once and says where the app went; where nothing shows tray icons (tray-host.ts)
// every login start shows the window, since hiding it would leave no way to it but the launcher.
import type { MessageBoxOptions } from 'electron'
import { APP_NAME } from './tray-menu.ts'

export type TrayHint = 'first-login' | 'no-tray'

export interface LoginStart {
  /** Show the window now. */
  show: boolean
  /** Explain, once. */
  hint: TrayHint | null
}

export function loginStart(options: {
  hidden: boolean
  /** hasTrayHost's answer; undefined when unknown, taken as "there is one". */
  trayHost: boolean | undefined
  hintSeen: boolean
}): LoginStart {
  const { hidden, trayHost, hintSeen } = options
  if (!hidden) return { show: true, hint: null }
  if (trayHost === false) return { show: true, hint: hintSeen ? null : 'no-tray' }
  return hintSeen ? { show: false, hint: null } : { show: true, hint: 'first-login' }
}

function trayPlace(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'menu bar'
  if (platform === 'win32') return 'notification area of the taskbar'
  return 'system tray'
}

export function trayHintMessage(hint: TrayHint, platform: NodeJS.Platform): MessageBoxOptions {
  const started = `${APP_NAME} started with your computer and keeps uploading new backups in the background.`
  const detail =
    hint === 'no-tray'
      ? `${started} Your desktop shows no tray icons (on GNOME, the AppIndicator extension adds them), so this window opens at each login instead. Closing it keeps the uploads going; start ${APP_NAME} from your applications to open it again.`
      : `${started} From now on it starts without a window: its icon in the ${trayPlace(platform)} opens it, and so does starting ${APP_NAME} again from your applications.`
  return {
    type: 'info',
    title: APP_NAME,
    message: `${APP_NAME} is running`,
    detail,
    buttons: ['OK'],
  }
}
