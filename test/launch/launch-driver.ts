// Loaded with `node --import` ahead of the built main bundle (launch-smoke.test.ts): it plays the
// user and the OS against the fake Electron module the bundle imports, then prints what it saw as
// one line, `LAUNCH-REPORT {json}`, and ends the process.
import { existsSync } from 'node:fs'
import { FakeTray, FakeWindow } from '../main/app/fake-electron.ts'
import { fake } from '../support/electron/fake-electron-module.ts'

type Handler = (request: Request) => Promise<Response>

const pause = () => new Promise((resolve) => setTimeout(resolve, 50))

async function until<T>(what: string, get: () => T | undefined): Promise<T> {
  for (let i = 0; i < 1200; i++) {
    const value = get()
    if (value !== undefined) return value
    await pause()
  }
  throw new Error(`the app never got as far as: ${what}`)
}

async function serve(handler: Handler, url: string) {
  const response = await handler(new Request(url))
  return { status: response.status, body: await response.text() }
}

async function drive() {
  const tray = await until('the tray', () => FakeTray.created[0])
  const window = await until('the window', () => FakeWindow.created[0])
  const handle = fake.named('protocol.handle').find(([scheme]) => scheme === 'app')
  if (!handle) throw new Error('no app:// handler')
  const handler = handle[1] as Handler
  const index = await serve(handler, window.loaded[0]!)
  const script = /src="(?:\.?\/)?(assets\/[^"]+\.js)"/.exec(index.body)?.[1]
  const preload = window.options.webPreferences?.preload ?? ''
  const report = {
    loaded: window.loaded,
    preload,
    preloadExists: existsSync(preload),
    index: { status: index.status, hasRoot: index.body.includes('id="root"') },
    script: script && (await serve(handler, `app://companion/${script}`)).status,
    missing: (await serve(handler, 'app://companion/assets/not-built.js')).status,
    trayImage: tray.images[0],
    trayImageExists: existsSync(tray.images[0] ?? ''),
    paths: { userData: fake.app.getPath('userData'), sessionData: fake.app.getPath('sessionData') },
    protocolClient: fake.named('setAsDefaultProtocolClient'),
  }
  fake.app.emit('before-quit')
  // Quitting closes the window for real, which saves where it was.
  window.emit('close', { preventDefault: () => undefined })
  fake.app.emit('will-quit', { preventDefault: () => undefined })
  await until('quit', () => (fake.named('quit').length > 0 ? true : undefined))
  process.stdout.write(`LAUNCH-REPORT ${JSON.stringify(report)}\n`)
  process.exit(0)
}

drive().catch((error: unknown) => {
  process.stderr.write(`launch driver: ${String(error)}\n`)
  process.exit(2)
})
