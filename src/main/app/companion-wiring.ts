// Everything that waits for `ready`: the engine and companion service, IPC, the tray,
// notifications, start at login, the AppImage link handler, and then deep-link delivery.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import type * as Electron from 'electron'
import type {
  CommandName,
  CommandResult,
  EventName,
  SettingsView,
} from '../../shared/ipc-contract.ts'
import { sendOpenUrl } from '../auth/instance-channel.ts'
import { CompanionService } from '../companion/companion-service.ts'
import { createEngine, type Engine } from '../engine.ts'
import { AlertLedger } from './alert-ledger.ts'
import type { ShellLog } from './app-log.ts'
import { applicationMenuTemplate } from './app-menu.ts'
import { installAppImageUrlHandler } from './appimage-url-handler.ts'
import { deliverToWaitingSignIn, type DeepLinkRouter } from './deep-link-router.ts'
import type { ElectronModules, ShellEnvironment } from './shell-inputs.ts'
import { ExternalLinks, docsOrigins, enabledAuthorizationUrls } from './external-links.ts'
import { forwardEvents, registerIpcHandlers } from './ipc-handlers.ts'
import { launchCommand } from './launch-command.ts'
import { LoginItem, launchedHidden } from './login-item.ts'
import type { MainWindow } from './main-window.ts'
import { Notifier } from './notifier.ts'
import { registerRendererProtocol } from './renderer-protocol.ts'
import type { ShellState } from './shell-state.ts'
import { hasTrayHost } from './tray-host.ts'
import { loginStart, trayHintMessage } from './tray-hint.ts'
import { electronRestoreShell } from './restore-shell.ts'
import { systemProxyRoute } from './system-proxy-route.ts'
import { TrayController } from './tray-controller.ts'
import { APP_NAME } from './tray-menu.ts'
import { initialTrayState } from './tray-state.ts'

/** Filled in as start-up proceeds, for what runs before it is done (quitting, link failures). */
export interface Running {
  companion?: CompanionService
  notifier?: Notifier
}

export interface WiringContext {
  electron: ElectronModules
  environment: ShellEnvironment
  log: ShellLog
  window: MainWindow
  router: DeepLinkRouter
  running: Running
  appOrigin: string
  userData: string
  shellState: ShellState
}

const exec = promisify(execFile)
/** Runs a desktop tool, in the environment the app was given (its session bus, its PATH). */
const commandRunner =
  (env: NodeJS.ProcessEnv) =>
  async (command: string, args: readonly string[]): Promise<string> =>
    (await exec(command, [...args], { timeout: 10_000, env: { PATH: process.env.PATH, ...env } }))
      .stdout

export interface Wired {
  engine: Engine
  companion: CompanionService
  window: MainWindow
}

export async function wireCompanion(context: WiringContext): Promise<Wired> {
  const { electron, environment, log, window, router, running, appOrigin, shellState } = context
  const { app, Menu, clipboard, dialog, ipcMain, net, protocol, shell } = electron
  const { platform, argv, env, execPath } = environment

  registerRendererProtocol({
    protocol,
    net,
    rootDir: path.join(environment.outDir, 'renderer'),
    log,
  })
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(applicationMenuTemplate(platform, app.isPackaged, APP_NAME)),
  )

  const engine = await createEngine({
    env,
    defaultHome: context.userData,
    proxyRoute: systemProxyRoute(electron.session.defaultSession, env),
  })
  for (const warning of engine.warnings) log.warn(warning)
  const companion = new CompanionService({
    engine,
    env,
    defaultRedirect: app.isPackaged ? 'scheme' : 'loopback',
    links: new ExternalLinks({
      shell,
      docsOrigins: docsOrigins(environment.homepage),
      authorizationUrls: () => enabledAuthorizationUrls(engine.providers),
      log,
    }),
    copyText: async (text) => clipboard.writeText(text),
    chooseFolder: async () => {
      const options: Electron.OpenDialogOptions = {
        properties: ['openDirectory', 'createDirectory'],
      }
      const parent = window.visibleWindow() as Electron.BrowserWindow | undefined
      const result = await (parent
        ? dialog.showOpenDialog(parent, options)
        : dialog.showOpenDialog(options))
      return result.canceled ? null : (result.filePaths[0] ?? null)
    },
    windowMemory: shellState,
    restoreShell: electronRestoreShell({
      dialog,
      shell,
      parent: () => window.visibleWindow() as Electron.BrowserWindow | undefined,
    }),
  })
  running.companion = companion
  registerIpcHandlers({
    ipcMain,
    companion,
    appOrigin,
    trustedContents: () => window.contents(),
    log,
  })
  forwardEvents(companion, () => window.contents())
  const hidden = launchedHidden(argv, platform, app)
  const start = loginStart({
    hidden,
    trayHost: hidden ? await hasTrayHost(platform, commandRunner(env)) : undefined,
    hintSeen: shellState.trayHintSeen(),
  })
  if (start.show) window.show()
  if (start.hint) {
    log.info('start at login: showing the window once', { hint: start.hint })
    shellState.markTrayHintSeen()
    void dialog.showMessageBox(trayHintMessage(start.hint, platform))
  }

  await companion.start()

  const run = <C extends CommandName>(command: C, input?: unknown) =>
    companion.invoke(command, input)
  const settings = await run('settings.get')
  const active = await run('uploads.active')
  const health = await run('health.get')
  const status = companion.currentStatus()
  let notificationsFailed = false
  const notifier = new Notifier({
    create: (options) => new electron.Notification(options),
    isSupported: () => electron.Notification.isSupported(),
    level: settings.ok ? settings.value.notifications : 'all',
    watch: status.watch,
    onClick: () => window.show(),
    onFailed: (content, error) => {
      // Logged once: on an unsigned macOS build every notification fails the same way.
      if (!notificationsFailed) log.warn('the OS refused a notification; using the tray', { error })
      notificationsFailed = true
      tray.showNotice(content)
    },
    alerts: new AlertLedger(path.join(engine.home, 'health-alerts.json')),
  })
  running.notifier = notifier
  const reportFailure = (title: string) => (result: CommandResult<CommandName>) => {
    if (!result.ok) notifier.problem(title, result.error)
  }
  const tray = new TrayController(
    {
      createTray: (image) => new electron.Tray(image),
      menu: Menu,
      createImage: (file) => electron.nativeImage.createFromPath(file),
      platform,
      // electron-builder.yml copies assets/tray to <resources>/tray (extraResources).
      iconDir: app.isPackaged
        ? path.join(environment.resourcesPath, 'tray')
        : path.join(app.getAppPath(), 'assets', 'tray'),
      actions: {
        scanNow: () =>
          void run('uploads.scanNow').then(reportFailure('Could not look for backups')),
        pause: () => void run('uploads.pause', {}).then(reportFailure('Could not pause')),
        resume: () => void run('uploads.resume', {}).then(reportFailure('Could not resume')),
        openWindow: () => window.show(),
        setUploadLimit: (bandwidthLimit) =>
          void run('settings.update', { bandwidthLimit }).then(
            reportFailure('Could not change the upload speed limit'),
          ),
        openBackupsFolder: () => {
          const folder = companion.currentStatus().watch.folder
          if (folder === null) return
          void shell.openPath(folder).then((problem) => {
            if (problem) log.warn('could not open the backups folder', { problem })
          })
        },
        quit: () => app.quit(),
      },
      onDropFiles: (paths) =>
        void run('uploads.enqueue', { paths }).then(reportFailure('Dropped files not uploaded')),
    },
    initialTrayState(
      status,
      active.ok ? active.value : [],
      health.ok ? health.value.alerts : [],
      settings.ok ? settings.value.bandwidthLimit : 0,
    ),
  )
  app.on('will-quit', () => tray.destroy())

  const loginItem = new LoginItem({
    app,
    platform,
    env,
    command: launchCommand({ env, execPath, isPackaged: app.isPackaged, argv }),
    log,
  })
  companion.on('event', (name: EventName, payload: unknown) => {
    tray.update(name, payload)
    notifier.update(name, payload)
    if (name === 'settings.changed') void loginItem.apply((payload as SettingsView).startAtLogin)
  })
  if (settings.ok) void loginItem.apply(settings.value.startAtLogin)
  // Alerts found before the tray listened; the ledger keeps a repeat from notifying twice.
  if (health.ok) notifier.update('health.changed', health.value)
  // A bad hand edit of settings.json seen before the tray listened.
  const settingsFile = await run('settingsFile.get')
  if (settingsFile.ok) tray.update('settingsFile.changed', settingsFile.value)
  if (platform === 'linux') {
    void installAppImageUrlHandler({
      env,
      run: async (command, args) => void (await commandRunner(process.env)(command, args)),
      log,
    }).catch((error: unknown) => log.warn('could not write the AppImage link handler', { error }))
  }

  // The app's own sign-ins wait in its home; a `connect` in a terminal waits in the CLI's.
  const homes = [engine.home]
  router.ready((url) => deliverToWaitingSignIn(homes, url, sendOpenUrl))
  log.info('desktop app started', { home: engine.home, hidden })
  return { engine, companion, window }
}
