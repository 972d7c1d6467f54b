// The tray icon itself: icon, tooltip and menu follow the state; files dropped on it (macOS) are
// uploaded. Electron's Tray, Menu and nativeImage come in as arguments.
import path from 'node:path'
import type { Menu, MenuItemConstructorOptions, NativeImage, Tray } from 'electron'
import type { EventName } from '../../shared/ipc-contract.ts'
import {
  shorten,
  trayIconFile,
  trayMenuTemplate,
  trayTooltip,
  type TrayActions,
  type TrayIcon,
} from './tray-menu.ts'
import { reduceTrayState, trayIcon, type TrayState } from './tray-state.ts'

type TrayLike = Pick<
  Tray,
  'setImage' | 'setToolTip' | 'setContextMenu' | 'on' | 'destroy' | 'isDestroyed' | 'displayBalloon'
>

/** A notification the OS would not show, kept in the tray instead. */
export interface TrayNotice {
  title: string
  body: string
}

const MAX_NOTICE_LABEL = 80

export interface TrayControllerOptions {
  createTray: (image: NativeImage) => TrayLike
  menu: Pick<typeof Menu, 'buildFromTemplate'>
  createImage: (file: string) => NativeImage
  platform: NodeJS.Platform
  /** assets/tray in development, resources/tray when packaged (electron-builder extraResources). */
  iconDir: string
  actions: TrayActions
  onDropFiles: (paths: string[]) => void
}

export class TrayController {
  private readonly options: TrayControllerOptions
  private readonly tray: TrayLike
  private state: TrayState
  private icon: TrayIcon
  private tooltip = ''
  private menuKey = ''
  private notice: TrayNotice | null = null
  private readonly actions: TrayActions

  constructor(options: TrayControllerOptions, state: TrayState) {
    this.options = options
    this.state = state
    this.icon = trayIcon(state)
    // Opening the window from the tray means the notice has been seen.
    this.actions = {
      ...options.actions,
      openWindow: () => {
        this.clearNotice()
        options.actions.openWindow()
      },
    }
    this.tray = options.createTray(this.image(this.icon))
    // On macOS a click opens the menu; elsewhere a click means "show me the app".
    if (options.platform !== 'darwin') this.tray.on('click', () => this.actions.openWindow())
    this.tray.on('drop-files', (_event, files) => options.onDropFiles(files))
    this.render()
  }

  /** Feeds a companion event in; the tray changes only where what it shows changed. */
  update(name: EventName, payload: unknown): void {
    const next = reduceTrayState(this.state, name, payload)
    if (next === this.state) return
    this.state = next
    this.render()
  }

  /**
   * Shows what a refused notification said: a line atop the menu and in the tooltip until the
   * window is opened from the tray, and a balloon on Windows, the one OS that has them.
   */
  showNotice(notice: TrayNotice): void {
    this.notice = notice
    if (this.options.platform === 'win32') {
      this.tray.displayBalloon({ title: notice.title, content: notice.body })
    }
    this.render()
  }

  private clearNotice(): void {
    if (this.notice === null) return
    this.notice = null
    this.render()
  }

  destroy(): void {
    if (!this.tray.isDestroyed()) this.tray.destroy()
  }

  private render(): void {
    const icon = trayIcon(this.state)
    if (icon !== this.icon) {
      this.icon = icon
      this.tray.setImage(this.image(icon))
    }
    const notice = this.notice ? `${this.notice.title}: ${this.notice.body}` : null
    const tooltip = trayTooltip(this.state, notice)
    if (tooltip !== this.tooltip) {
      this.tooltip = tooltip
      this.tray.setToolTip(tooltip)
    }
    // Progress arrives up to ten times a second; the menu is rebuilt only when its text changes,
    // which also keeps an open menu on Linux from being replaced under the pointer needlessly.
    const template: MenuItemConstructorOptions[] = [
      ...(notice ? [{ label: shorten(notice, MAX_NOTICE_LABEL), enabled: false }] : []),
      ...trayMenuTemplate(this.state, this.actions),
    ]
    const key = menuKey(template)
    if (key !== this.menuKey) {
      this.menuKey = key
      this.tray.setContextMenu(this.options.menu.buildFromTemplate(template))
    }
  }

  private image(icon: TrayIcon): NativeImage {
    const { iconDir, platform, createImage } = this.options
    const image = createImage(path.join(iconDir, trayIconFile(icon, platform)))
    if (platform === 'darwin') image.setTemplateImage(true)
    return image
  }
}

/** What the menu shows, submenus and radio marks included; the click handlers are left out. */
function menuKey(template: MenuItemConstructorOptions[]): string {
  const shown = (items: MenuItemConstructorOptions[]): unknown[] =>
    items.map(({ label, enabled, type, checked, submenu }) => [
      label,
      enabled,
      type,
      checked,
      Array.isArray(submenu) ? shown(submenu) : null,
    ])
  return JSON.stringify(shown(template))
}
