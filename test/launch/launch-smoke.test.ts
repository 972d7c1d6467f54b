// The built app started as Electron would start it, but under Node with the fake Electron module:
// `npm run build`, then out/ laid out as it is inside the package (resources/app.asar holds
// package.json, out/ and node_modules; resources/tray the icons), then `node <that>/out/main/
// index.js` with `electron` resolved to the fake by a module.register hook. What breaks only in
// the built output shows here: ESM imports of externalized packages (electron-store among them,
// which imports `electron` itself), import.meta.dirname, the preload and renderer paths.
import { execFile, spawn } from 'node:child_process'
import { cp, mkdir, readFile, symlink } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../support/cli-process.ts'

const root = path.resolve(import.meta.dirname, '../..')
const register = path.join(root, 'test/support/electron/register.ts')
const driver = path.join(root, 'test/launch/launch-driver.ts')

/** resources/ as electron-builder.yml lays it out; a folder `app` loads as `app.asar` does. */
async function packagedLayout(): Promise<string> {
  const resources = path.join(tempDir('launch'), 'resources')
  const app = path.join(resources, 'app')
  await mkdir(app, { recursive: true })
  await cp(path.join(root, 'out'), path.join(app, 'out'), { recursive: true })
  await cp(path.join(root, 'package.json'), path.join(app, 'package.json'))
  await symlink(path.join(root, 'node_modules'), path.join(app, 'node_modules'), 'dir')
  await cp(path.join(root, 'assets/tray'), path.join(resources, 'tray'), { recursive: true })
  return resources
}

type Outcome = { code: number | null; out: string; err: string }

/** `main`: package.json's entry, as Electron reads it. */
function launch(resources: string, main: string, appData: string): Promise<Outcome> {
  const child = spawn(
    process.execPath,
    ['--import', register, '--import', driver, path.join(resources, 'app', main)],
    {
      cwd: tempDir('cwd'),
      env: {
        PATH: process.env.PATH,
        HOME: appData,
        FTB_HOME: path.join(appData, 'home'),
        FTB_SECRET_STORE: 'file',
        XDG_CONFIG_HOME: path.join(appData, 'config'),
        FAKE_ELECTRON_APP_DATA: appData,
        FAKE_ELECTRON_READY: 'on-request',
        FAKE_ELECTRON_RESOURCES: resources,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk) => (out += chunk))
  child.stderr.on('data', (chunk) => (err += chunk))
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })))
}

describe('launch smoke test: the built main bundle under Node with the fake Electron', () => {
  let resources: string
  let main: string
  beforeAll(async () => {
    await promisify(execFile)('npm', ['run', 'build'], { cwd: root })
    resources = await packagedLayout()
    main = JSON.parse(await readFile(path.join(resources, 'app/package.json'), 'utf8')).main
  }, 180_000)

  it('starts: window with the preload and renderer from the packaged layout, app:// serving, tray', async () => {
    const appData = tempDir('appData')
    const { code, out, err } = await launch(resources, main, appData)
    const line = out.split('\n').find((l) => l.startsWith('LAUNCH-REPORT '))
    expect(line, `exit ${code}\n${err}\n${out}`).toBeDefined()
    const report = JSON.parse(line!.slice('LAUNCH-REPORT '.length))
    const app = path.join(resources, 'app')
    expect(report.loaded).toEqual(['app://companion/index.html'])
    // import.meta.dirname of out/main/index.js, inside the app folder (the asar when packaged).
    expect(report.preload).toBe(path.join(app, 'out/preload/index.cjs'))
    expect(report.preloadExists).toBe(true)
    expect(report.index).toEqual({ status: 200, hasRoot: true })
    expect(report.script).toBe(200)
    expect(report.missing).toBe(404)
    expect(report.trayImage).toBe(path.join(resources, 'tray/tray-idle.png'))
    expect(report.trayImageExists).toBe(true)
    const userData = path.join(appData, 'fermentrack-backup-companion')
    expect(report.paths).toEqual({ userData, sessionData: path.join(userData, 'chromium') })
    // electron-store, loaded natively with `electron` resolved to the fake, kept the placement.
    const state = JSON.parse(await readFile(path.join(userData, 'desktop-state.json'), 'utf8'))
    expect(state.window).toMatchObject({ width: 960, height: 680, maximized: false })
    expect(code).toBe(0)
  })
})
