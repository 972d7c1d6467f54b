// The one app window. Closing it hides it to the tray; only quitting really closes it.
import type { BrowserWindow, BrowserWindowConstructorOptions, WebContents } from 'electron'

type WindowLike = Pick<
  BrowserWindow,
  | 'on'
  | 'once'
  | 'show'
  | 'hide'
  | 'focus'
  | 'restore'
  | 'isMinimized'
  | 'isDestroyed'
  | 'isVisible'
  | 'loadURL'
  | 'webContents'
>

export interface MainWindowOptions {
  create: (options: BrowserWindowConstructorOptions) => WindowLike
  /** Absolute path of the bundled preload script (out/preload/index.cjs). */
  preload: string
  /** The dev server in development, app://companion/index.html when built. */
  url: string
  /** True once the app is quitting: then a close really closes. */
  isQuitting: () => boolean
  /** Windows is logging off or shutting down: the window must not hold that up. */
  onSessionEnd: () => void
}

/** Electron's security checklist for the window (shared/reference/electron.md). */
export function mainWindowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    title: 'Fermentrack Backup Companion',
    // Room for live transfers, the history and a job's details side by side.
    width: 960,
    height: 680,
    minWidth: 480,
    minHeight: 360,
    // Shown once the first paint is ready, so there is no blank flash.
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
    },
  }
}

export class MainWindow {
  private readonly options: MainWindowOptions
  private window: WindowLike | undefined

  constructor(options: MainWindowOptions) {
    this.options = options
  }

  /** Shows the window, creating it on first use (an app started at login has none yet). */
  show(): void {
    const window = this.window
    if (window === undefined || window.isDestroyed()) return void this.create()
    if (window.isMinimized()) window.restore()
    window.show()
    window.focus()
  }

  /** The webContents IPC may come from and events go to; undefined while there is no window. */
  contents(): WebContents | undefined {
    const window = this.window
    return window === undefined || window.isDestroyed() ? undefined : window.webContents
  }

  /** The window to attach dialogs to, when it is on screen. */
  visibleWindow(): WindowLike | undefined {
    const window = this.window
    return window !== undefined && !window.isDestroyed() && window.isVisible() ? window : undefined
  }

  private create(): void {
    const { create, preload, url, isQuitting, onSessionEnd } = this.options
    const window = create(mainWindowOptions(preload))
    this.window = window
    window.once('ready-to-show', () => window.show())
    window.on('close', (event) => {
      if (isQuitting()) return
      event.preventDefault()
      window.hide()
    })
    window.on('session-end', onSessionEnd)
    void window.loadURL(url)
  }
}
