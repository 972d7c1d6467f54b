// What main.ts hands the desktop shell. Apart from desktop-shell.ts, so that companion-wiring.ts,
// which the shell starts, can name these types without importing the shell back (a cycle).
import type * as Electron from 'electron'

/** The Electron modules the shell uses. */
export interface ElectronModules {
  app: Electron.App
  BrowserWindow: typeof Electron.BrowserWindow
  clipboard: Electron.Clipboard
  Menu: typeof Electron.Menu
  Tray: typeof Electron.Tray
  Notification: typeof Electron.Notification
  nativeImage: typeof Electron.nativeImage
  dialog: Electron.Dialog
  ipcMain: Electron.IpcMain
  net: Electron.Net
  protocol: Electron.Protocol
  /** For the system proxy (system-proxy-route.ts); its defaultSession exists once ready. */
  session: typeof Electron.session
  screen: Pick<Electron.Screen, 'getAllDisplays'>
  shell: Electron.Shell
}

/** What main.ts knows about the process it runs in. */
export interface ShellEnvironment {
  platform: NodeJS.Platform
  argv: readonly string[]
  env: NodeJS.ProcessEnv
  execPath: string
  /** The packaged app's resources folder (process.resourcesPath). */
  resourcesPath: string
  /** The build output folder (out/), holding preload/ and renderer/. */
  outDir: string
  /** package.json homepage: the project documentation, an allowed external link. */
  homepage: string
}
