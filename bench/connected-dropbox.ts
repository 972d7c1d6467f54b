import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startDropboxEmulator, type DropboxEmulator } from '../test/emulators/dropbox/index.ts'
import { authorizeRedirect } from '../test/support/browser.ts'
import { APP_KEY, freePort } from '../test/support/dropbox-fixture.ts'
import { finished, startCli } from './child-process.ts'
import { RequestClock } from './request-clock.ts'
import type { Teardown } from './teardown.ts'

export interface ConnectedDropbox {
  emulator: DropboxEmulator
  clock: RequestClock
  /** The CLI's environment: its own FTB_HOME, wired to the emulator. */
  env: Record<string, string>
  home: string
  connectionId: string
}

/**
 * A fresh emulator (its storage under `storageRoot`, by default `root`) and an FTB_HOME under
 * `root` connected to it through the real `connect` command, the browser's part played over
 * HTTP. Tokens go to the file store, as on a headless Pi: no keyring is needed to run the bench.
 */
export async function connectedDropbox(
  root: string,
  name: string,
  teardown: Teardown,
  storageRoot = root,
): Promise<ConnectedDropbox> {
  const loopbackPort = await freePort()
  const storageDir = join(storageRoot, `${name}-dropbox`)
  const home = join(root, `${name}-home`)
  // The emulator leaves a storageDir it was given; its GiBs go as soon as the figure is done.
  teardown.add(() => rmSync(storageDir, { recursive: true, force: true }))
  teardown.add(() => rmSync(home, { recursive: true, force: true }))
  const emulator = await startDropboxEmulator({
    appKey: APP_KEY,
    redirectUris: [`http://127.0.0.1:${loopbackPort}/oauth/callback`],
    storageDir,
  })
  teardown.add(() => emulator.close())
  const clock = new RequestClock(emulator)
  mkdirSync(home, { recursive: true, mode: 0o700 })
  const env = {
    FTB_HOME: home,
    DROPBOX_APP_KEY: APP_KEY,
    FTB_DROPBOX_AUTH_URL: emulator.authorizeUrl,
    FTB_DROPBOX_API_URL: emulator.url,
    FTB_DROPBOX_CONTENT_URL: emulator.url,
    FTB_LOOPBACK_PORT: String(loopbackPort),
    FTB_SECRET_STORE: 'file',
    FTB_LOG_LEVEL: 'info',
    // Empty means unset: a local destination from the caller's shell would add uploads.
    FTB_LOCAL_DESTINATION: '',
  }
  const args = ['connect', 'dropbox', '--redirect', 'loopback', '--no-browser', '--json']
  const connect = startCli(args, env, teardown)
  const url = await connect.line(() => true, 30_000)
  const callback = await fetch(await authorizeRedirect(url.text))
  await callback.arrayBuffer()
  const exit = await finished(connect, 30_000, 'connect dropbox')
  const json = exit.stdout.slice(exit.stdout.indexOf('\n') + 1)
  const connectionId = (JSON.parse(json) as { connection_id: string }).connection_id
  return { emulator, clock, env, home, connectionId }
}

/** Edits settings.json as a user would by hand; the app validates it at its next start. */
export function changeSettings(home: string, change: Record<string, unknown>): void {
  const file = join(home, 'settings.json')
  const current = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
  writeFileSync(file, JSON.stringify({ ...current, ...change }, null, 2))
}
