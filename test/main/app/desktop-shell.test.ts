// The whole desktop start-up, with fake Electron modules and the real engine in a temp home.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
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

function environment(argv: string[]): ShellEnvironment {
  return {
    platform: 'linux',
    argv: ['/opt/fbc/fermentrack-backup-companion', ...argv],
    env: {
      FTB_HOME: path.join(dir, 'home'),
      FTB_SECRET_STORE: 'file',
      XDG_CONFIG_HOME: path.join(dir, 'config'),
    },
    execPath: '/opt/fbc/fermentrack-backup-companion',
    resourcesPath: '/opt/fbc/resources',
    outDir: '/opt/fbc/resources/app.asar/out',
    homepage: 'https://github.com/fermentrack-backup-companion/fbc',
  }
}

async function start(argv: string[] = [], resolveProxy?: (url: string) => string) {
  const electron = fakeElectron({ appData: path.join(dir, 'appData'), resolveProxy })
  const shell = startDesktopShell(electron.modules, environment(argv))!
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
    const { becomeReady, shell, handlers, named, quit } = await start(
      [],
      () => `PROXY 127.0.0.1:${closed}`,
    )
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

  it('stays in the tray when started at login, and follows the startAtLogin setting', async () => {
    const { becomeReady, shell, handlers, quit } = await start(['--hidden'])
    becomeReady()
    const { window } = await shell.ready
    expect(FakeWindow.created).toEqual([])
    window.show()
    const [created] = FakeWindow.created
    const update = handlers.get(IPC_PREFIX + 'settings.update')!
    await update(fromWindow(created!), { startAtLogin: true })
    const file = path.join(dir, 'config', 'autostart', 'fermentrack-backup-companion.desktop')
    await expect.poll(() => readFile(file, 'utf8').catch(() => '')).toContain('--hidden')
    await quit()
  })
})
