// The tray's icon, tooltip and menu, computed from state alone so each state can be tested.
import type { MenuItemConstructorOptions } from 'electron'
import type { StatusView } from '../../shared/ipc-contract.ts'
import { formatRate, KB, MB } from '../../shared/upload-limit.ts'
import type { ActiveUpload, TrayState } from './tray-state.ts'

export type TrayIcon = StatusView['tray'] | 'warning'

export const APP_NAME = 'Fermentrack Backup Companion'
/** Windows cuts tray tooltips at 127 characters. */
const MAX_TOOLTIP = 127
const MAX_MENU_LABEL = 80

export interface TrayActions {
  scanNow(): void
  pause(): void
  resume(): void
  openWindow(): void
  /** Opens the watched folder as it is when clicked (the menu may be older than the state). */
  openBackupsFolder(): void
  /** Saves the upload speed limit (bytes per second, 0 = unlimited). */
  setUploadLimit(bytesPerSecond: number): void
  quit(): void
}

/** The tray's choices: a video call's worth of room on a slow line, a middling one, a fast one. */
export const UPLOAD_LIMIT_PRESETS = [0, 256 * KB, 1 * MB, 5 * MB]

export function shorten(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1).trimEnd() + '…'
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

/** One line saying what the app is doing; a failure stays here until the next success. */
export function statusLine({ status, uploads, alerts, settingsProblem }: TrayState): string {
  if (status.tray === 'paused') return 'Auto-upload is paused'
  if (status.tray === 'error' && status.lastError) return `Problem: ${status.lastError.message}`
  if (status.tray === 'uploading') {
    const active = uploads.length || status.counts.uploading || 1
    return `Uploading ${plural(active, 'backup', 'backups')}`
  }
  const queued = status.counts.queued ?? 0
  if (queued > 0) return `${plural(queued, 'backup', 'backups')} waiting to upload`
  if (status.watch.state === 'off') return 'No backups folder chosen'
  // The whole line (its file path) is too long for a menu: the window's banner has it.
  if (settingsProblem) return 'Warning: your edit of the settings file is not applied'
  const [alert] = alerts
  if (alert) return `Warning: ${alert.message}`
  if (status.watch.state === 'starting') return 'Starting to watch the backups folder'
  return 'Up to date, watching for new backups'
}

export function percent(upload: ActiveUpload): number {
  if (upload.size <= 0) return 100
  return Math.min(100, Math.floor((upload.bytesDone / upload.size) * 100))
}

/** The upload in progress, e.g. "Uploading backup.tar.xz: 42% (+2 more)". */
export function uploadLine(uploads: readonly ActiveUpload[]): string | null {
  const [current] = uploads
  if (current === undefined) return null
  const progress = current.verifying ? 'verifying' : `${percent(current)}%`
  const more = uploads.length > 1 ? ` (+${uploads.length - 1} more)` : ''
  return `${current.name}: ${progress}${more}`
}

/** `notice`: a notification the OS refused to show (tray-controller.ts). */
export function trayTooltip(state: TrayState, notice: string | null = null): string {
  const upload = uploadLine(state.uploads)
  const lines = [
    APP_NAME,
    statusLine(state),
    ...(upload ? [upload] : []),
    ...(notice ? [notice] : []),
  ]
  return shorten(lines.join('\n'), MAX_TOOLTIP)
}

export function trayMenuTemplate(
  state: TrayState,
  actions: TrayActions,
): MenuItemConstructorOptions[] {
  const { status } = state
  const folder = status.watch.folder
  const paused = status.tray === 'paused'
  const upload = uploadLine(state.uploads)
  return [
    { label: shorten(statusLine(state), MAX_MENU_LABEL), enabled: false },
    ...(upload ? [{ label: shorten(upload, MAX_MENU_LABEL), enabled: false }] : []),
    { type: 'separator' },
    {
      label: 'Upload new backups now',
      enabled: folder !== null,
      click: () => actions.scanNow(),
    },
    paused
      ? { label: 'Resume auto-upload', click: () => actions.resume() }
      : { label: 'Pause auto-upload', click: () => actions.pause() },
    { label: 'Limit upload speed', submenu: uploadLimitItems(state.uploadLimit, actions) },
    { type: 'separator' },
    { label: `Open ${APP_NAME}`, click: () => actions.openWindow() },
    {
      label: 'Open backups folder',
      enabled: folder !== null,
      click: () => actions.openBackupsFolder(),
    },
    { type: 'separator' },
    { label: 'Quit', click: () => actions.quit() },
  ]
}

/** One radio item per preset, and the saved limit too when it is none of them (set elsewhere). */
function uploadLimitItems(current: number, actions: TrayActions): MenuItemConstructorOptions[] {
  const rates = UPLOAD_LIMIT_PRESETS.includes(current)
    ? UPLOAD_LIMIT_PRESETS
    : [...UPLOAD_LIMIT_PRESETS, current].sort((a, b) => a - b)
  return rates.map((rate) => ({
    label: formatRate(rate),
    type: 'radio',
    checked: rate === current,
    click: () => actions.setUploadLimit(rate),
  }))
}

/** The icon file for a state: macOS template images (tinted by the menu bar), colour elsewhere. */
export function trayIconFile(icon: TrayIcon, platform: NodeJS.Platform): string {
  return platform === 'darwin' ? `tray-${icon}Template.png` : `tray-${icon}.png`
}
