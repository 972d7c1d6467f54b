import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Browser, JSHandle, Page } from 'playwright-core'
import { expect } from 'vitest'
import { SCHEME_REDIRECT_URI } from '../../src/main/auth/callback-url.ts'
import type { Settings } from '../../src/shared/settings-schema.ts'
import { startDropboxEmulator, type DropboxEmulator } from '../emulators/dropbox/index.ts'
import { writeBackup } from '../support/backup-files.ts'
import { authorizeRedirect } from '../support/browser.ts'
import { tempDir } from '../support/cli-process.ts'
import { APP_KEY, cliEnv, freePort } from '../support/dropbox-fixture.ts'
import { storedFiles, writeSettings } from '../support/upload-fixture.ts'
import { waitFor } from '../support/wait-for.ts'
import { startBridge, type Bridge } from './bridge/bridge-server.ts'
import { openApp } from './bridge/browser.ts'

export const ACCOUNT = { name: 'Ada Brewer', email: 'ada@brewery.example' }
/** A Basic plan, so the space meter reads like a real one. */
export const QUOTA_BYTES = 2_000_000_000
export const SCREENSHOT_DIR = resolve(import.meta.dirname, '../../test-results/screenshots')

/** expect.poll with room for a real upload: conditions are waited for, never slept towards. */
export function until<T>(probe: () => T | Promise<T>) {
  return expect.poll(probe, { timeout: 20_000, interval: 50 })
}

/** A short expect.poll, for what the window must show soon after it has heard of it. */
export function briefly<T>(probe: () => T | Promise<T>) {
  return expect.poll(probe, { timeout: 3000, interval: 50 })
}

/** The desktop app in a browser, against the real engine and a strict Dropbox emulator. */
export interface App {
  emulator: DropboxEmulator
  bridge: Bridge
  env: NodeJS.ProcessEnv
  /** Where "dropped" files must be written: the bridge maps a dropped File to dropDir/name. */
  dropDir: string
  /** Console messages about the Content-Security-Policy, from every page opened. */
  cspViolations: string[]
  /** Every WebSocket frame the pages received from the bridge: all main ever sent the window. */
  received: string[]
  open(colorScheme?: 'light' | 'dark'): Promise<Page>
  close(): Promise<void>
}

/**
 * Starts a fresh emulator, FTB_HOME and bridge. `settings` are written to settings.json before
 * the engine starts, for what the window does not set (chunk size, settle time).
 */
export async function startApp(
  browser: Browser,
  rendererDir: string,
  settings: Partial<Settings> = {},
  /** Changes to the environment (DROPBOX_APP_KEY: '' for a Dropbox not configured yet). */
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<App> {
  const loopbackPort = await freePort()
  const emulator = await startDropboxEmulator({
    appKey: APP_KEY,
    redirectUris: [SCHEME_REDIRECT_URI, `http://127.0.0.1:${loopbackPort}/oauth/callback`],
    account: ACCOUNT,
    quotaBytes: QUOTA_BYTES,
  })
  const env = cliEnv(emulator, loopbackPort, { FTB_SECRET_STORE: 'file', ...extraEnv })
  writeSettings(env.FTB_HOME!, { settleSeconds: 0.3, ...settings })
  const bridge = await startBridge(rendererDir, env)
  const dropDir = tempDir('drops')
  const cspViolations: string[] = []
  const received: string[] = []
  const pages: Page[] = []
  return {
    emulator,
    bridge,
    env,
    dropDir,
    cspViolations,
    received,
    open: async (colorScheme = 'light') => {
      // The window's memory lives as long as the bridge; each page here starts as a first
      // window would, on Uploads, whatever section an earlier page showed last.
      await bridge.companion.invoke('window.remember', { lastView: 'uploads' })
      const page = await openApp(browser, bridge.url, {
        colorScheme,
        dropDir,
        beforeLoad: async (page) => {
          page.on('websocket', (socket) =>
            socket.on('framereceived', (frame) => void received.push(String(frame.payload))),
          )
          page.on('console', (message) => {
            if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text())
          })
          // The console names most violations; the DOM event catches any it does not.
          await page.addInitScript(() => {
            const doc = (globalThis as unknown as { document: EventTarget }).document
            doc.addEventListener('securitypolicyviolation', (event) => {
              const e = event as unknown as { violatedDirective: string; blockedURI: string }
              console.error(
                `Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`,
              )
            })
          })
        },
      })
      pages.push(page)
      page.setDefaultTimeout(15_000)
      // Loaded: the shell is up and has heard from the engine (the header left "Starting…").
      await page.getByRole('tablist', { name: 'Sections' }).waitFor()
      await page.getByRole('button', { name: /^(Pause|Resume) uploads$/ }).waitFor()
      return page
    },
    close: async () => {
      for (const page of pages) await page.context().close()
      await bridge.close()
      await emulator.close()
    },
  }
}

/** Plays the system browser: Dropbox's authorize page, then its redirect to the app's loopback. */
export async function playBrowserSignIn(authorizeUrl: string): Promise<void> {
  const callback = await fetch(await authorizeRedirect(authorizeUrl))
  expect(callback.status, await callback.text()).toBe(200)
}

/** The next authorize URL the app asks the system browser to open, after `seen` earlier ones. */
export function nextOpenedUrl(app: App, seen: number): Promise<string> {
  return waitFor(() => app.bridge.opened[seen], {
    what: 'the app to open the authorize URL in the browser',
    detail: () => JSON.stringify(app.bridge.opened),
  })
}

/** Connects Dropbox from the Connections section, as a user does; ends on that section. */
export async function connectDropbox(page: Page, app: App): Promise<void> {
  await page.getByRole('tab', { name: 'Connections' }).click()
  const seen = app.bridge.opened.length
  await page.getByRole('button', { name: 'Connect Dropbox' }).click()
  await playBrowserSignIn(await nextOpenedUrl(app, seen))
  await until(() =>
    page.getByRole('article', { name: `Dropbox account ${ACCOUNT.name}` }).isVisible(),
  ).toBe(true)
}

/** A fresh app with Dropbox connected through the window, showing the Uploads section. */
export async function startConnectedApp(
  browser: Browser,
  rendererDir: string,
  settings: Partial<Settings> = {},
): Promise<{ app: App; page: Page }> {
  const app = await startApp(browser, rendererDir, settings)
  const page = await app.open()
  await connectDropbox(page, app)
  await page.getByRole('tab', { name: 'Uploads' }).click()
  return { app, page }
}

/** A DataTransfer made in the page, holding Files with these names, as a file manager's drag. */
export function fileTransfer(page: Page, names: string[]): Promise<JSHandle> {
  return page.evaluateHandle((names) => {
    const { DataTransfer } = globalThis as unknown as {
      DataTransfer: new () => { items: { add(file: File): unknown } }
    }
    const transfer = new DataTransfer()
    for (const name of names) {
      transfer.items.add(new File(['backup bytes'], name, { type: 'application/x-xz' }))
    }
    return transfer
  }, names)
}

/** Drags files over the window: what the OS delivers first, before any drop. */
export async function dragOver(page: Page, names: string[]): Promise<JSHandle> {
  const dataTransfer = await fileTransfer(page, names)
  await page.dispatchEvent('body', 'dragenter', { dataTransfer })
  await page.dispatchEvent('body', 'dragover', { dataTransfer })
  return dataTransfer
}

/** Drops what dragOver started on the overlay's main zone ("all destinations"). */
export async function dropOnOverlay(page: Page, dataTransfer: JSHandle): Promise<void> {
  const zone = page.locator('[data-drop-target="*"]')
  await zone.dispatchEvent('dragenter', { dataTransfer })
  await zone.dispatchEvent('dragover', { dataTransfer })
  await zone.dispatchEvent('drop', { dataTransfer })
}

/**
 * Writes a backup into the drop folder and drops it on the window; waits until the engine has
 * queued it and the window has said so.
 */
export async function dropBackup(page: Page, app: App, name: string, size: number, seed = 1) {
  const path = await writeBackup(app.dropDir, name, size, seed)
  await dropOnOverlay(page, await dragOver(page, [name]))
  await until(async () => (await jobsOf(app)).some((job) => job.path === path)).toBe(true)
  await until(() => page.getByText('Queued 1 backup for upload').last().isVisible()).toBe(true)
  return path
}

/** Every job, newest first, straight from the engine. */
export async function jobsOf(app: App) {
  const result = await app.bridge.companion.invoke('uploads.history', {})
  if (!result.ok) throw new Error(result.error.message)
  return result.value.jobs
}

/** Waits until the history says the file is uploaded; its job, from the engine, with its place. */
export async function uploadedJob(page: Page, app: App, name: string) {
  await until(() => historyStatus(page, name)).toBe('Uploaded')
  const job = (await jobsOf(app)).find((j) => j.name === name)
  if (!job?.remotePath) throw new Error(`no remote path for ${name}: ${JSON.stringify(job)}`)
  return { ...job, remotePath: job.remotePath }
}

/** Closes every toast, as a user does before reaching what they cover. */
export async function dismissToasts(page: Page): Promise<void> {
  const buttons = page.getByRole('region', { name: 'Notifications' }).getByRole('button', {
    name: 'Dismiss',
  })
  // A success toast may time out by itself meanwhile: then there is nothing left to click.
  while ((await buttons.count()) > 0)
    await buttons
      .first()
      .click({ timeout: 2000 })
      .catch(() => {})
}

/** The history grid's row for a file. */
export function historyRow(page: Page, name: string) {
  return page
    .getByRole('grid', { name: 'Upload history' })
    .getByRole('row')
    .filter({ hasText: name })
}

/**
 * A file's status in the history ("Uploaded", "Failed"...), or "not listed". Reads without
 * waiting, so an expect.poll that gives up leaves no locator wait behind.
 */
export async function historyStatus(page: Page, name: string): Promise<string> {
  const cells = await historyRow(page, name).getByRole('gridcell').first().allTextContents()
  return cells[0] ?? 'not listed'
}

/** Requests that touched files at Dropbox: any upload, metadata lookup or listing. */
export function fileRequests(emulator: DropboxEmulator) {
  return emulator.requests.filter((r) => r.path.startsWith('/2/files/'))
}

export function storedAtPath(emulator: DropboxEmulator, displayPath: string) {
  return storedFiles(emulator).find((file) => file.path_display === displayPath)
}

/** The README's pictures: written here by the screenshot test, from an app set up like a user's. */
export const DOCS_SCREENSHOT_DIR = resolve(import.meta.dirname, '../../docs/screenshots')

export async function screenshot(
  page: Page,
  view: string,
  theme: 'light' | 'dark',
  dir = SCREENSHOT_DIR,
) {
  mkdirSync(dir, { recursive: true })
  // Transitions finished at once: a progress bar is drawn where it is, not where it was.
  await page.screenshot({
    path: resolve(dir, `${view}-${theme}.png`),
    animations: 'disabled',
  })
}
