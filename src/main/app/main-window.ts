import { BrowserWindow } from 'electron'

export interface MainWindowOptions {
  /** Absolute path of the bundled preload script (out/preload/index.cjs). */
  preload: string
  /** What to show: the dev server in development, app://companion/index.html when built. */
  url: string
}

export function createMainWindow({ preload, url }: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    title: 'Fermentrack Backup Companion',
    width: 720,
    height: 520,
    minWidth: 480,
    minHeight: 360,
    // Shown once the first paint is ready, so there is no blank flash.
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  })
  window.once('ready-to-show', () => window.show())
  void window.loadURL(url)
  return window
}
