// The desktop app's start-up. Electron's modules come in as one argument (main.ts passes the real
// ones), so all of it runs under plain Node in tests, with fakes.
//
// What must happen before `ready` happens here, synchronously: the sandbox, the renderer scheme,
// the single-instance lock and every deep-link listener. The rest waits for `ready`
// (companion-wiring.ts).
import path from 'node:path'
import { parseLogLevel } from '../log/logger.ts'
import { APP_DIR_NAME } from '../store/home.ts'
import { createShellLog, type ShellLog } from './app-log.ts'
import { wireCompanion, type Running, type Wired } from './companion-wiring.ts'
import { listenForDeepLinks, registerProtocolClient } from './deep-link-listeners.ts'
import { DeepLinkRouter, acceptedSchemes, findDeepLink } from './deep-link-router.ts'
import { docsOrigins } from './external-links.ts'
import { HIDDEN_FLAG } from './autostart-entry.ts'
import { MainWindow } from './main-window.ts'
import { QuitSequence } from './quit-sequence.ts'
import { RENDERER_ENTRY_URL, RENDERER_ORIGIN, rendererScheme } from './renderer-protocol.ts'
import { applySecurityRestrictions } from './security-restrictions.ts'
import { ShellState } from './shell-state.ts'
import type { ElectronModules, ShellEnvironment } from './shell-inputs.ts'
import { APP_NAME } from './tray-menu.ts'

export const APP_ID = 'org.fermentrack.backupcompanion'
/** Appended to the home folder's name for an unpackaged run. */
export const DEV_SUFFIX = '-dev'
/** The subfolder of userData that holds Chromium's files. */
export const SESSION_DATA_DIR = 'chromium'

export interface DesktopShell {
  log: ShellLog
  /** Resolves once the engine runs with everything wired; rejects if start-up failed. */
  ready: Promise<Wired>
}

/** Starts the app; null when another instance already runs (this one then quits). */
export function startDesktopShell(
  electron: ElectronModules,
  environment: ShellEnvironment,
): DesktopShell | null {
  const { app, protocol, shell } = electron
  const { platform, argv, env, execPath } = environment

  app.enableSandbox()
  protocol.registerSchemesAsPrivileged([rendererScheme])
  // The app and the CLI share one home (settings, queue, sign-in channel), so `fermentrack-backup`
  // commands see what the app does. Set before the single-instance lock, which lives in userData.
  // An unpackaged run (npm start) gets a home of its own, as it has a link scheme of its own, so
  // it doesn't find an installed app's lock and hand its argv over instead of starting.
  const dirName = app.isPackaged ? APP_DIR_NAME : `${APP_DIR_NAME}${DEV_SUFFIX}`
  app.setPath('userData', path.join(app.getPath('appData'), dirName))
  // Chromium's own files (Cache, GPUCache, Local Storage …) go to sessionData, by default userData
  // itself: the home's top level, which the engine and the CLI use. Must be set before `ready`.
  app.setPath('sessionData', path.join(app.getPath('userData'), SESSION_DATA_DIR))
  // A second launch (including one the OS starts to deliver a deep link) hands its argv to the
  // running instance through `second-instance` and exits.
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return null
  }
  // Windows shows notifications only for an app with an AppUserModelID.
  if (platform === 'win32') app.setAppUserModelId(app.isPackaged ? APP_ID : execPath)

  // createEngine resolves its home the same way: FTB_HOME wins over userData.
  const userData = app.getPath('userData')
  const log = createShellLog({
    home: env.FTB_HOME || userData,
    level: parseLogLevel(env.FTB_LOG_LEVEL),
    console: !app.isPackaged,
  })

  // The dev server URL is honoured only in an unpackaged run, so an environment variable can't
  // point an installed app's privileged window at another page.
  const devServerUrl = app.isPackaged ? undefined : env.ELECTRON_RENDERER_URL
  const appOrigin = devServerUrl ? new URL(devServerUrl).origin : RENDERER_ORIGIN
  // Links in the page itself may go to the documentation only; sign-in pages open through the
  // companion's ExternalLinks, which knows the configured providers.
  const allowedOrigins = docsOrigins(environment.homepage)
  applySecurityRestrictions({ app, shell, appOrigin, allowedExternalOrigins: allowedOrigins })

  const running: Running = {}
  const quit = new QuitSequence({
    app,
    stop: () => running.companion?.stop() ?? Promise.resolve(),
    log,
  })
  const shellState = new ShellState(userData)
  const window = new MainWindow({
    create: (options) => new electron.BrowserWindow(options),
    preload: path.join(environment.outDir, 'preload', 'index.cjs'),
    url: devServerUrl ?? RENDERER_ENTRY_URL,
    isQuitting: () => quit.isQuitting(),
    onSessionEnd: () => quit.markQuitting(),
    placement: {
      saved: () => shellState.windowPlacement(),
      save: (placement) => shellState.saveWindowPlacement(placement),
    },
    // Only asked when the window is made, which is after `ready` (screen needs it).
    workAreas: () => electron.screen.getAllDisplays().map((display) => display.workArea),
    log,
    logFile: log.file,
  })
  const router = new DeepLinkRouter((error) => {
    log.warn('a sign-in link was not accepted', { reason: error.code })
    running.notifier?.problem('Sign-in not completed', error.toPayload())
  })

  const ready = app.whenReady().then(() =>
    wireCompanion({
      electron,
      environment,
      log,
      window,
      router,
      running,
      appOrigin,
      userData,
      shellState,
    }),
  )
  ready.catch((error: unknown) => {
    log.error('the app could not start', { error })
    const message = error instanceof Error ? error.message : String(error)
    electron.dialog.showErrorBox(`${APP_NAME} could not start`, message)
    app.exit(1)
  })
  const showWhenReady = () =>
    void ready.then(
      () => window.show(),
      () => undefined,
    )

  const schemes = acceptedSchemes(app.isPackaged)
  listenForDeepLinks({
    app,
    router,
    schemes,
    argv,
    onActivate: (commandLine) => {
      // A login-item launch while the app already runs is no reason to pop the window up.
      if (commandLine.includes(HIDDEN_FLAG) && findDeepLink(commandLine, schemes) === null) return
      showWhenReady()
    },
  })
  if (!registerProtocolClient({ app, isPackaged: app.isPackaged, execPath, argv })) {
    log.warn('could not register as the handler for sign-in links')
  }
  // With the tray, closing the window is not quitting.
  app.on('window-all-closed', () => undefined)
  // macOS: a click on the Dock icon. Listened for only once running, so an `activate` during a
  // login launch doesn't undo starting hidden.
  void ready.then(
    () => app.on('activate', () => window.show()),
    () => undefined,
  )
  return { log, ready }
}
