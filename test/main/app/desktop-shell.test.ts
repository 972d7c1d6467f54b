// The whole desktop start-up, with fake Electron modules and the real engine in a temp home.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startDesktopShell } from '../../../src/main/app/desktop-shell.ts'
import type { ShellEnvironment } from '../../../src/main/app/shell-inputs.ts'
import { listenInstanceChannel } from '../../../src/main/auth/instance-channel.ts'
import { IPC_PREFIX, commands } from '../../../src/shared/ipc-contract.ts'
import { freePort } from '../../support/dropbox-fixture.ts'
import { FakeNotification, FakeTray, FakeWindow, fakeElectron } from './fake-electron.ts'

const LINK = 'fermentrack-backup://oauth/callback?code=the-code&state=the-state'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ftb-shell-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

function environment(argv: string[], env: NodeJS.ProcessEnv = {}): ShellEnvironment {
  return {
    platform: 'linux',
    argv: ['/opt/fbc/fermentrack-backup-companion', ...argv],
    env: {
      FTB_HOME: path.join(dir, 'home'),
      FTB_SECRET_STORE: 'file',
      XDG_CONFIG_HOME: path.join(dir, 'config'),
      ...env,
    },
    execPath: '/opt/fbc/fermentrack-backup-companion',
    resourcesPath: '/opt/fbc/resources',
    outDir: '/opt/fbc/resources/app.asar/out',
    homepage: 'https://github.com/fermentrack-backup-companion/fbc',
  }
}

/** `env`: added to the app's environment; `packaged: false` plays `npm start`. */
async function start(
  argv: string[] = [],
  options: {
    env?: NodeJS.ProcessEnv
    packaged?: boolean
    resolveProxy?: (url: string) => string
  } = {},
) {
  const electron = fakeElectron({
    appData: path.join(dir, 'appData'),
    resolveProxy: options.resolveProxy,
  })
  electron.app.isPackaged = options.packaged ?? true
  const shell = startDesktopShell(electron.modules, environment(argv, options.env))!
  const quit = async () => {
    electron.app.emit('before-quit')
    electron.app.emit('will-quit', { preventDefault: () => undefined })
    await expect.poll(() => electron.named('quit').length).toBe(1)
  }
  return { ...electron, shell, quit }
}

const fromWindow = (window: FakeWindow) => ({
  sender: window.webContents,
  senderFrame: { url: 'app://companion/index.html' },
})

describe('startDesktopShell', () => {
  it('does the pre-ready work at once: sandbox, renderer scheme, link scheme, listeners', async () => {
    const { app, named, becomeReady, shell, quit } = await start()
    expect(named('enableSandbox')).toHaveLength(1)
    expect(named('registerSchemesAsPrivileged')).toHaveLength(1)
    expect(named('setAsDefaultProtocolClient')).toEqual([['fermentrack-backup']])
    // One home for the app and the CLI, as the CLI resolves it.
    expect(app.getPath('userData')).toBe(path.join(dir, 'appData', 'fermentrack-backup-companion'))
    for (const event of [
      'will-finish-launching',
      'second-instance',
      'web-contents-created',
      'before-quit',
      'will-quit',
      'window-all-closed',
    ]) {
      expect(app.listenerCount(event), event).toBeGreaterThan(0)
    }
    // Nothing that needs `ready` has happened yet.
    expect(FakeWindow.created).toEqual([])
    expect(app.listenerCount('activate')).toBe(0)
    becomeReady()
    await shell.ready
    expect(app.listenerCount('activate')).toBe(1)
    await quit()
  })

  it('stops at once when another instance runs', () => {
    const electron = fakeElectron({ appData: dir, singleInstance: false })
    expect(startDesktopShell(electron.modules, environment([LINK]))).toBeNull()
    expect(electron.named('quit')).toHaveLength(1)
    expect(electron.app.listenerCount('second-instance')).toBe(0)
  })

  it('once ready: window, IPC for every command from that window only, events, tray', async () => {
    const { becomeReady, shell, handlers, quit } = await start()
    becomeReady()
    await shell.ready
    expect([...handlers.keys()].sort()).toEqual(
      Object.keys(commands)
        .map((n) => IPC_PREFIX + n)
        .sort(),
    )
    const [window] = FakeWindow.created
    expect(window!.loaded).toEqual(['app://companion/index.html'])

    const call = (name: string, event: unknown, input?: unknown) =>
      handlers.get(IPC_PREFIX + name)!(event, input)
    expect(await call('dialog.chooseFolder', fromWindow(window!))).toEqual({
      ok: true,
      value: '/picked',
    })
    const stranger = { sender: { id: 99 }, senderFrame: { url: 'app://companion/index.html' } }
    expect(await call('status.get', stranger)).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    })

    await call('settings.update', fromWindow(window!), { remoteFolder: '/Shell' })
    expect(window!.sent.map(([channel]) => channel)).toContain(IPC_PREFIX + 'settings.changed')

    const [tray] = FakeTray.created
    expect(tray!.images).toEqual(['/opt/fbc/resources/tray/tray-idle.png'])
    expect(tray!.menu.map((item) => item.label)).toContain('Quit')
    await quit()
  })

  it('takes the system proxy from the session for each request, and names it when it refuses', async () => {
    const closed = await freePort()
    const { becomeReady, shell, handlers, named, quit } = await start([], {
      resolveProxy: () => `PROXY 127.0.0.1:${closed}`,
    })
    becomeReady()
    await shell.ready
    const [window] = FakeWindow.created
    const answer = await handlers.get(IPC_PREFIX + 'connections.test')!(fromWindow(window!), {
      provider: 'webdav',
      fields: { url: 'https://nas.example/dav/backups/', username: 'brewer', password: 'pw' },
    })
    expect(named('resolveProxy')).toContainEqual(['https://nas.example/dav/backups/'])
    expect(answer).toMatchObject({
      ok: false,
      error: {
        code: 'proxy_refused',
        message: expect.stringContaining(`The proxy 127.0.0.1:${closed} cannot be reached`),
      },
    })
    await quit()
  })

  it('delivers a cold-start deep link to the waiting sign-in once the engine runs', async () => {
    const received: string[] = []
    const home = path.join(dir, 'home')
    const channel = await listenInstanceChannel(home, async (url) => void received.push(url))
    try {
      const { becomeReady, shell, quit } = await start([LINK])
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(received).toEqual([])
      becomeReady()
      await shell.ready
      await expect.poll(() => received).toEqual([LINK])
      await quit()
    } finally {
      await channel.close()
    }
  })

  it('puts a notification the OS refused (`failed`) in the tray and logs it', async () => {
    const { app, becomeReady, shell, quit } = await start()
    FakeNotification.failWith = 'not allowed: the app is not signed'
    becomeReady()
    await shell.ready
    app.emit('second-instance', {}, ['/opt/fbc/fermentrack-backup-companion', LINK], '/', {})
    const [tray] = FakeTray.created
    await expect.poll(() => tray!.tooltip, { timeout: 5000 }).toContain('Sign-in not completed')
    expect(tray!.menu[0]!.label).toMatch(/^Sign-in not completed: /)
    expect(FakeNotification.shown).toEqual([])
    const log = await readFile(shell.log.file, 'utf8')
    expect(log).toContain('the OS refused a notification')
    expect(log).toContain('not allowed: the app is not signed')
    // Opening the window from the tray clears it.
    tray!.menu.find((item) => item.label?.startsWith('Open Fermentrack'))!.click!()
    expect(tray!.tooltip).not.toContain('Sign-in not completed')
    await quit()
  })

  it('notifies when a link arrives with no sign-in waiting', async () => {
    const { app, becomeReady, shell, quit } = await start()
    becomeReady()
    await shell.ready
    app.emit('second-instance', {}, ['/opt/fbc/fermentrack-backup-companion', LINK], '/', {})
    await expect
      .poll(() => FakeNotification.shown.map((n) => n.title), { timeout: 5000 })
      .toEqual(['Sign-in not completed'])
    const log = await readFile(shell.log.file, 'utf8')
    expect(log).toContain('no_sign_in_waiting')
    expect(log).not.toContain('the-code')
    await quit()
  })

  it('shows the window with the tray hint at the first login start only, then stays in the tray', async () => {
    const first = await start(['--hidden'])
    first.becomeReady()
    await first.shell.ready
    // No session bus in the app's environment here: whether there is a tray can't be told.
    expect(FakeWindow.created).toHaveLength(1)
    expect(first.named('showMessageBox')).toMatchObject([
      [
        {
          message: 'Fermentrack Backup Companion is running',
          detail: expect.stringContaining('system tray'),
        },
      ],
    ])
    const state = path.join(dir, 'appData', 'fermentrack-backup-companion', 'desktop-state.json')
    expect(JSON.parse(await readFile(state, 'utf8'))).toMatchObject({ trayHintSeen: true })
    await first.quit()

    const { becomeReady, shell, handlers, named, quit } = await start(['--hidden'])
    becomeReady()
    const { window } = await shell.ready
    expect(FakeWindow.created).toEqual([])
    expect(named('showMessageBox')).toEqual([])
    window.show()
    const [created] = FakeWindow.created
    const update = handlers.get(IPC_PREFIX + 'settings.update')!
    await update(fromWindow(created!), { startAtLogin: true })
    const file = path.join(dir, 'config', 'autostart', 'fermentrack-backup-companion.desktop')
    await expect.poll(() => readFile(file, 'utf8').catch(() => '')).toContain('--hidden')
    await quit()
  })

  it.runIf(process.env.DBUS_SESSION_BUS_ADDRESS)(
    'shows the window at every login start where nothing hosts tray icons (the real session bus)',
    async () => {
      const bus = { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS }
      for (const hint of [[{ detail: expect.stringContaining('no tray icons') }], undefined]) {
        const { becomeReady, shell, named, quit } = await start(['--hidden'], { env: bus })
        becomeReady()
        await shell.ready
        expect(FakeWindow.created).toHaveLength(1)
        expect(named('showMessageBox')[0]).toEqual(hint && [expect.objectContaining(hint[0])])
        await quit()
      }
    },
  )

  it("opens the window from the tray menu's Open item (Linux AppIndicator sends no click)", async () => {
    const userData = path.join(dir, 'appData', 'fermentrack-backup-companion')
    await mkdir(userData, { recursive: true })
    await writeFile(path.join(userData, 'desktop-state.json'), '{"trayHintSeen":true}')
    const { becomeReady, shell, quit } = await start(['--hidden'])
    becomeReady()
    await shell.ready
    expect(FakeWindow.created).toEqual([])
    const [tray] = FakeTray.created
    tray!.menu.find((item) => item.label === 'Open Fermentrack Backup Companion')!.click!()
    expect(FakeWindow.created).toHaveLength(1)
    expect(FakeWindow.created[0]!.loaded).toEqual(['app://companion/index.html'])
    await quit()
  })

  it("keeps Chromium's files in a subfolder, out of the home's top level (set before ready)", async () => {
    const { app, shell, becomeReady, quit } = await start()
    const userData = path.join(dir, 'appData', 'fermentrack-backup-companion')
    expect(app.getPath('sessionData')).toBe(path.join(userData, 'chromium'))
    becomeReady()
    await shell.ready
    await quit()
  })

  it('npm start gets its own home, lock and link scheme, so it does not fight an installed app', async () => {
    const { app, shell, becomeReady, named, quit } = await start([], { packaged: false })
    const userData = path.join(dir, 'appData', 'fermentrack-backup-companion-dev')
    expect(app.getPath('userData')).toBe(userData)
    expect(app.getPath('sessionData')).toBe(path.join(userData, 'chromium'))
    expect(named('requestSingleInstanceLock')).toHaveLength(1)
    expect(named('setAsDefaultProtocolClient')[0]![0]).toBe('fermentrack-backup-dev')
    becomeReady()
    await shell.ready
    // Linux refuses the registration without a .desktop entry, which an unpackaged run lacks.
    expect(await readFile(shell.log.file, 'utf8')).toContain('could not register as the handler')
    await quit()
  })

  it("keeps the window's memory (last view, closed banners) in desktop-state.json, not settings", async () => {
    const { becomeReady, shell, handlers, quit } = await start()
    becomeReady()
    await shell.ready
    const [window] = FakeWindow.created
    const call = (name: string, input?: unknown) =>
      handlers.get(IPC_PREFIX + name)!(fromWindow(window!), input)
    await call('window.remember', { lastView: 'backups' })
    expect(await call('window.remember', { dismissBanner: 'last-problem:network:x' })).toEqual({
      ok: true,
      value: { lastView: 'backups', dismissedBanners: ['last-problem:network:x'] },
    })
    expect(await call('window.remember', { lastView: 'backups', extra: 1 })).toMatchObject({
      ok: false,
    })
    const userData = path.join(dir, 'appData', 'fermentrack-backup-companion')
    const state = JSON.parse(await readFile(path.join(userData, 'desktop-state.json'), 'utf8'))
    expect(state).toMatchObject({
      lastView: 'backups',
      dismissedBanners: ['last-problem:network:x'],
    })
    const settings = await readFile(path.join(dir, 'home', 'settings.json'), 'utf8')
    expect(JSON.parse(settings)).not.toHaveProperty('lastView')
    await quit()
  })

  it('reopens the window where it was, kept on the display', async () => {
    const userData = path.join(dir, 'appData', 'fermentrack-backup-companion')
    await mkdir(userData, { recursive: true })
    const saved = { x: 1500, y: 100, width: 1000, height: 700, maximized: false }
    await writeFile(path.join(userData, 'desktop-state.json'), JSON.stringify({ window: saved }))
    const { becomeReady, shell, quit } = await start()
    becomeReady()
    await shell.ready
    const [window] = FakeWindow.created
    expect(window!.options).toMatchObject({ x: 920, y: 100, width: 1000, height: 700 })
    window!.bounds = { x: 30, y: 40, width: 800, height: 600 }
    await quit()
    window!.emit('close', { preventDefault: () => undefined })
    const state = JSON.parse(await readFile(path.join(userData, 'desktop-state.json'), 'utf8'))
    expect(state.window).toEqual({ x: 30, y: 40, width: 800, height: 600, maximized: false })
  })
})
