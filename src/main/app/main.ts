// Entry point of the Electron main process (built to out/main/index.js).
import path from 'node:path'
import { BrowserWindow, app, net, protocol, shell } from 'electron'
import { createMainWindow } from './main-window.ts'
import {
  RENDERER_ENTRY_URL,
  RENDERER_ORIGIN,
  registerRendererProtocol,
  rendererScheme,
} from './renderer-protocol.ts'
import { applySecurityRestrictions } from './security-restrictions.ts'

// Links that may leave the app, always to the system browser: Dropbox (sign-in, account pages)
// and the project's documentation (package.json `homepage`, filled in at build time).
const ALLOWED_EXTERNAL_ORIGINS = ['https://www.dropbox.com', new URL(__PROJECT_HOMEPAGE__).origin]

// Both must happen before `ready`.
app.enableSandbox()
protocol.registerSchemesAsPrivileged([rendererScheme])

// A second launch (including one the OS starts to deliver a deep link) hands over to the
// running instance and exits.
if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  startApp()
}

function startApp(): void {
  const outDir = path.resolve(import.meta.dirname, '..')
  // The dev server URL is honoured only in an unpackaged run, so an environment variable can't
  // point an installed app's privileged window at another page.
  const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL
  const rendererUrl = devServerUrl ?? RENDERER_ENTRY_URL
  const appOrigin = devServerUrl ? new URL(devServerUrl).origin : RENDERER_ORIGIN

  applySecurityRestrictions({
    app,
    shell,
    appOrigin,
    allowedExternalOrigins: ALLOWED_EXTERNAL_ORIGINS,
  })

  let mainWindow: BrowserWindow | undefined
  const showMainWindow = (): void => {
    if (mainWindow === undefined || mainWindow.isDestroyed()) {
      mainWindow = createMainWindow({
        preload: path.join(outDir, 'preload', 'index.cjs'),
        url: rendererUrl,
      })
      return
    }
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.show()
    mainWindow.focus()
  }

  // Can arrive while this instance is still starting up; windows can only exist once ready.
  app.on('second-instance', () => void app.whenReady().then(showMainWindow))
  // macOS: clicking the Dock icon with no window open.
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) showMainWindow()
  })
  // Until the tray arrives, closing the last window ends the app (macOS apps stay in the Dock).
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  void app.whenReady().then(() => {
    registerRendererProtocol({ protocol, net, rootDir: path.join(outDir, 'renderer') })
    showMainWindow()
  })
}
