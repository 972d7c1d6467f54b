import { EventEmitter } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { listenInstanceChannel, sendOpenUrl } from '../../../src/main/auth/instance-channel.ts'
import {
  listenForDeepLinks,
  registerProtocolClient,
} from '../../../src/main/app/deep-link-listeners.ts'
import {
  DeepLinkRouter,
  acceptedSchemes,
  deliverToWaitingSignIn,
} from '../../../src/main/app/deep-link-router.ts'

type Options = Parameters<typeof listenForDeepLinks>[0]

const LINK = 'fermentrack-backup://oauth/callback?code=the-code&state=the-state'
const DEV_LINK = 'fermentrack-backup-dev://oauth/callback?code=the-code&state=the-state'
const settle = () => new Promise((resolve) => setImmediate(resolve))

function setUp({ argv = ['/usr/bin/app'], isPackaged = true } = {}) {
  const app = new EventEmitter()
  const failures: string[] = []
  const router = new DeepLinkRouter((error) => failures.push(error.code))
  const activations: (readonly string[])[] = []
  listenForDeepLinks({
    app: app as unknown as Options['app'],
    router,
    schemes: acceptedSchemes(isPackaged),
    argv,
    onActivate: (commandLine) => activations.push(commandLine),
  })
  const delivered: string[] = []
  const ready = () => router.ready(async (url) => void delivered.push(url))
  const openUrl = (url: string) => {
    let prevented = false
    app.emit('open-url', { preventDefault: () => (prevented = true) }, url)
    return prevented
  }
  return { app, router, ready, delivered, failures, activations, openUrl }
}

describe('deep links on macOS (open-url)', () => {
  it('listens for open-url from will-finish-launching and holds links until ready', async () => {
    const { app, ready, delivered, openUrl, activations } = setUp()
    app.emit('will-finish-launching')
    expect(openUrl(LINK)).toBe(true)
    await settle()
    expect(delivered).toEqual([])
    ready()
    await settle()
    expect(delivered).toEqual([LINK])
    expect(activations).toHaveLength(1)
  })

  it('delivers at once after ready', async () => {
    const { app, ready, delivered, openUrl } = setUp()
    app.emit('will-finish-launching')
    ready()
    openUrl(LINK)
    await settle()
    expect(delivered).toEqual([LINK])
  })

  it('swallows open-url for schemes that are not ours', async () => {
    const { app, ready, delivered, openUrl } = setUp()
    app.emit('will-finish-launching')
    ready()
    expect(openUrl('https://evil.example/?code=1')).toBe(true)
    await settle()
    expect(delivered).toEqual([])
  })
})

describe('deep links on Windows and Linux (argv)', () => {
  it('finds the link in a second instance argv, padded and reordered', async () => {
    const { app, ready, delivered, activations } = setUp()
    ready()
    const argv = ['C:\\Program Files\\FBC\\FBC.exe', '--allow-file-access-from-files', LINK, '--x']
    app.emit('second-instance', {}, argv, '/', {})
    app.emit('second-instance', {}, [LINK, 'C:\\Program Files\\FBC\\FBC.exe'], '/', {})
    await settle()
    expect(delivered).toEqual([LINK, LINK])
    expect(activations).toEqual([argv, [LINK, 'C:\\Program Files\\FBC\\FBC.exe']])
  })

  it('activates the window for a second launch without a link, delivering nothing', async () => {
    const { app, ready, delivered, activations } = setUp()
    ready()
    app.emit('second-instance', {}, ['/usr/bin/app'], '/', {})
    await settle()
    expect(delivered).toEqual([])
    expect(activations).toEqual([['/usr/bin/app']])
  })

  it('holds a second instance link that arrives before ready', async () => {
    const { app, ready, delivered } = setUp()
    app.emit('second-instance', {}, ['/usr/bin/app', LINK], '/', {})
    await settle()
    expect(delivered).toEqual([])
    ready()
    await settle()
    expect(delivered).toEqual([LINK])
  })

  it('delivers the link of a cold start once ready', async () => {
    const { ready, delivered } = setUp({ argv: ['/opt/app/fermentrack-backup-companion', LINK] })
    await settle()
    expect(delivered).toEqual([])
    ready()
    await settle()
    expect(delivered).toEqual([LINK])
  })

  it('rewrites a dev-scheme link in a dev run', async () => {
    const { ready, delivered } = setUp({
      argv: ['/repo/node_modules/electron/dist/electron', '/repo', DEV_LINK],
      isPackaged: false,
    })
    ready()
    await settle()
    expect(delivered).toEqual([LINK])
  })
})

describe('deep links reaching a waiting sign-in', () => {
  let home: string | undefined
  afterEach(async () => {
    if (home) await rm(home, { recursive: true, force: true })
  })

  it('hands the link to the sign-in waiting on the instance channel', async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'ftb-deeplink-'))
    const received: string[] = []
    const channel = await listenInstanceChannel(home, async (url) => void received.push(url))
    try {
      const { app, router, failures } = setUp({ isPackaged: false })
      router.ready((url) => deliverToWaitingSignIn([home!], url, sendOpenUrl))
      app.emit('second-instance', {}, ['/usr/bin/electron', '.', DEV_LINK], '/', {})
      await expect.poll(() => received).toEqual([LINK])
      expect(failures).toEqual([])
    } finally {
      await channel.close()
    }
  })

  it('reports no sign-in waiting when nobody listens', async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'ftb-deeplink-'))
    const { app, router, failures } = setUp()
    router.ready((url) => deliverToWaitingSignIn([home!], url, sendOpenUrl))
    app.emit('second-instance', {}, ['/usr/bin/app', LINK], '/', {})
    await expect.poll(() => failures).toEqual(['no_sign_in_waiting'])
  })
})

describe('registerProtocolClient', () => {
  function fakeApp() {
    const calls: unknown[][] = []
    return {
      calls,
      app: { setAsDefaultProtocolClient: (...args: unknown[]) => (calls.push(args), true) },
    }
  }

  it('registers the production scheme in an installed build', () => {
    const { app, calls } = fakeApp()
    registerProtocolClient({ app, isPackaged: true, execPath: '/opt/app/x', argv: ['/opt/app/x'] })
    expect(calls).toEqual([['fermentrack-backup']])
  })

  it('registers the dev scheme with the Electron binary and the app folder in development', () => {
    const { app, calls } = fakeApp()
    const execPath = '/repo/node_modules/electron/dist/electron'
    registerProtocolClient({ app, isPackaged: false, execPath, argv: [execPath, '.'] })
    expect(calls).toEqual([['fermentrack-backup-dev', execPath, [path.resolve('.')]]])
  })
})
