// The one app window. Closing it hides it to the tray; only quitting really closes it. It reopens
// where it was, and a load that goes wrong is logged and shown, never an invisible app.
import type { BrowserWindow, BrowserWindowConstructorOptions, WebContents } from 'electron'
import type { Logger } from '../log/logger.ts'
import { loadErrorPage } from './load-error-page.ts'
import { placeOnDisplays, type Rectangle, type WindowPlacement } from './window-placement.ts'

type WindowLike = Pick<
  BrowserWindow,
  | 'on'
  | 'once'
  | 'show'
  | 'hide'
  | 'focus'
  | 'restore'
  | 'maximize'
  | 'isMaximized'
  | 'getNormalBounds'
  | 'isMinimized'
  | 'isDestroyed'
  | 'isVisible'
  | 'loadURL'
  | 'webContents'
>

/** How long an opened window may stay unpainted before it is shown anyway. */
export const SHOW_TIMEOUT_MS = 8000
/** Chromium's net::ERR_ABORTED: a load replaced by another, not a failure. */
const ERR_ABORTED = -3

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
  /** Where the window was, kept between runs (shell-state.ts). */
  placement: {
    saved: () => WindowPlacement | undefined
    save: (placement: WindowPlacement) => void
  }
  /** The displays' work areas now (Electron's screen, after `ready`). */
  workAreas: () => Rectangle[]
  log: Pick<Logger, 'warn' | 'error'>
  /** The log file the error page points at. */
  logFile: string
  setTimer?: (run: () => void, ms: number) => unknown
  clearTimer?: (timer: unknown) => void
}

const MINIMUM = { width: 480, height: 360 }

/** Electron's security checklist for the window (shared/reference/electron.md). */
export function mainWindowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    title: 'Fermentrack Backup Companion',
    // Room for live transfers, the history and a job's details side by side.
    width: 960,
    height: 680,
    minWidth: MINIMUM.width,
    minHeight: MINIMUM.height,
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
    const { create, preload, url, isQuitting, onSessionEnd, placement } = this.options
    const saved = placement.saved()
    const bounds = saved ? placeOnDisplays(saved, this.options.workAreas(), MINIMUM) : {}
    const window = create({ ...mainWindowOptions(preload), ...bounds })
    this.window = window
    const cancelTimeout = this.showAnywayIfUnpainted(window)
    window.once('ready-to-show', () => {
      cancelTimeout()
      if (saved?.maximized) window.maximize()
      window.show()
    })
    window.on('close', (event) => {
      // Saved on every close, hiding included: a later crash or kill keeps the last placement.
      placement.save({ ...window.getNormalBounds(), maximized: window.isMaximized() })
      if (isQuitting()) return
      event.preventDefault()
      window.hide()
    })
    window.on('session-end', onSessionEnd)
    this.watchLoad(window)
    void window.loadURL(url)
  }

  /** Failed loads and renderer crashes are logged with the URL, and the window shows why. */
  private watchLoad(window: WindowLike): void {
    const { log } = this.options
    const contents = window.webContents
    contents.on('did-fail-load', (_event, code, description, url, isMainFrame) => {
      // Aborted loads were replaced on purpose; a failing error page must not loop.
      if (code === ERR_ABORTED || url.startsWith('data:')) return
      log.warn('the window could not load a page', { url, code, description, isMainFrame })
      if (isMainFrame) this.showError(window, `The page could not be loaded (${description}).`)
    })
    contents.on('render-process-gone', (_event, details) => {
      const url = contents.getURL()
      log.error('the window stopped working', { url, reason: details.reason })
      if (details.reason !== 'clean-exit') this.showError(window, 'The window stopped working.')
    })
  }

  /**
   * The window was asked for and must appear: if it hasn't painted in time, it is shown anyway,
   * still loading on a slow machine, or with the error page when the load has ended unpainted.
   */
  private showAnywayIfUnpainted(window: WindowLike): () => void {
    const setTimer = this.options.setTimer ?? setTimeout
    const clearTimer = this.options.clearTimer ?? ((timer) => clearTimeout(timer as never))
    const timer = setTimer(() => {
      if (window.isDestroyed() || window.isVisible()) return
      this.options.log.warn('the window was not ready in time; showing it anyway', {
        url: window.webContents.getURL(),
      })
      if (window.webContents.isLoading()) window.show()
      else this.showError(window, 'The window did not finish loading.')
    }, SHOW_TIMEOUT_MS)
    return () => clearTimer(timer)
  }

  private showError(window: WindowLike, reason: string): void {
    if (window.isDestroyed()) return
    void window.loadURL(loadErrorPage(reason, this.options.logFile, this.options.url))
    window.show()
  }
}
