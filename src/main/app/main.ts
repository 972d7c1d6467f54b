// Entry point of the Electron main process (built to out/main/index.js). The only file that loads
// Electron's modules; everything else gets them from here (desktop-shell.ts).
import path from 'node:path'
import {
  BrowserWindow,
  Menu,
  Notification,
  Tray,
  app,
  clipboard,
  dialog,
  ipcMain,
  nativeImage,
  net,
  protocol,
  session,
  screen,
  shell,
} from 'electron'
import { startDesktopShell } from './desktop-shell.ts'

const desktop = startDesktopShell(
  {
    app,
    BrowserWindow,
    Menu,
    Tray,
    Notification,
    nativeImage,
    clipboard,
    dialog,
    ipcMain,
    net,
    protocol,
    session,
    screen,
    shell,
  },
  {
    platform: process.platform,
    argv: process.argv,
    env: process.env,
    execPath: process.execPath,
    resourcesPath: process.resourcesPath,
    outDir: path.resolve(import.meta.dirname, '..'),
    homepage: __PROJECT_HOMEPAGE__,
  },
)
// Uncaught errors go to the log rather than Electron's error dialog.
desktop?.log.catchErrors()
