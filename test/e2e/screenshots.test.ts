import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MIB, writeBackup } from '../support/backup-files.ts'
import { tempDir } from '../support/cli-process.ts'
import {
  ACCOUNT,
  DOCS_SCREENSHOT_DIR,
  connectDropbox,
  dismissToasts,
  dragOver,
  historyRow,
  historyStatus,
  screenshot,
  startApp,
  until,
  type App,
} from './app-harness.ts'
import { launchChromium } from './bridge/browser.ts'
import { buildRenderer } from './support.ts'
import { firstSource } from '../../src/shared/source-names.ts'

type Theme = 'light' | 'dark'

let browser: Browser
let rendererDir: string
let app: App
let pages: [Theme, Page][]
let watched: string
beforeAll(async () => {
  rendererDir = buildRenderer()
  browser = await launchChromium()
  watched = join(tempDir('shots'), 'fermentrack', 'backups')
  mkdirSync(watched, { recursive: true })
  app = await startApp(browser, rendererDir, {
    chunkSize: 4 * MIB,
    sources: [firstSource(watched)],
  })
  // The same app in both themes at once: each screen is taken in light and dark.
  pages = [
    ['light', await app.open('light')],
    ['dark', await app.open('dark')],
  ]
})
afterAll(async () => {
  const violations = app?.cspViolations ?? []
  await app?.close()
  await browser?.close()
  expect(violations).toEqual([])
})

const each = (action: (page: Page, theme: Theme) => Promise<void>) =>
  Promise.all(pages.map(([theme, page]) => action(page, theme)))

async function shoot(view: string) {
  await each(async (page, theme) => {
    await dismissToasts(page)
    await screenshot(page, view, theme)
  })
}

/** Uploads through the engine (not the window), so no toasts crowd the pictures. */
async function upload(names: string[], size: number) {
  const paths = await Promise.all(names.map((name, i) => writeBackup(app.dropDir, name, size, i)))
  const result = await app.bridge.companion.invoke('uploads.enqueue', { paths })
  expect(result.ok).toBe(true)
}

const backup = (day: number) => `fermentrack-backup-2026-11-${String(day).padStart(2, '0')}.tar.xz`

describe('screenshots of each view, light and dark', () => {
  it('shows every main view in both themes', async () => {
    const [, light] = pages[0]!
    await connectDropbox(light, app)
    await each((page) => page.getByRole('tab', { name: 'Uploads' }).click())

    // A week of nightly backups, then tonight's, caught part-way.
    const week = [14, 15, 16, 17, 18, 19, 20].map(backup)
    await upload(week, 3 * MIB + 123_456)
    for (const name of week) await until(() => historyStatus(light, name)).toBe('Uploaded')
    app.emulator.injectFault('/2/files/upload_session/append_v2', { kind: 'delay', ms: 4000 })
    await upload([backup(21)], 14 * MIB)
    await each((page) =>
      until(() =>
        page
          .getByRole('list', { name: 'Uploads in progress' })
          // Part-way: some pieces acknowledged (which ones depends on the concurrent session).
          .getByText(/[1-9][\d.]* MB of/)
          .count(),
      ).toBe(1),
    )
    await shoot('uploads')

    await each((page) => page.getByRole('tab', { name: 'Connections' }).click())
    await each((page) =>
      until(() =>
        page.getByRole('article', { name: `Dropbox account ${ACCOUNT.name}` }).isVisible(),
      ).toBe(true),
    )
    await shoot('connections')

    await each((page) => page.getByRole('tab', { name: 'Settings' }).click())
    await each((page) =>
      until(() => page.getByText(watched, { exact: true }).isVisible()).toBe(true),
    )
    await shoot('settings')

    await each((page) => page.getByRole('tab', { name: 'Uploads' }).click())
    await until(() => historyStatus(light, backup(21))).toBe('Uploaded')
    const transfers = await Promise.all(pages.map(([, page]) => dragOver(page, [backup(22)])))
    await each((page) => until(() => page.getByText('Drop to upload now').isVisible()).toBe(true))
    await shoot('drop-overlay')
    await Promise.all(
      pages.map(([, page], i) =>
        page.dispatchEvent('body', 'dragleave', { dataTransfer: transfers[i] }),
      ),
    )
    await each((page) => until(() => page.getByText('Drop to upload now').count()).toBe(0))

    // The account is full: the upload fails, with its reason and fix on screen.
    app.emulator.injectFault('/2/files/upload', { kind: 'insufficient_space' })
    await upload([backup(22)], 900_000)
    await each(async (page) => {
      await until(() => historyStatus(page, backup(22))).toBe('Failed')
      await historyRow(page, backup(22)).click()
      await until(() =>
        page.getByRole('region', { name: `Details of ${backup(22)}` }).isVisible(),
      ).toBe(true)
    })
    await shoot('error')
  })
})

/**
 * Dropbox as a user sets it up: its real endpoints (no emulator in the environment), the default
 * loopback port, and a Client ID typed into Settings, so the picture shows what users will see.
 */
const AS_INSTALLED: NodeJS.ProcessEnv = {
  DROPBOX_APP_KEY: '',
  FTB_DROPBOX_AUTH_URL: '',
  FTB_DROPBOX_API_URL: '',
  FTB_DROPBOX_CONTENT_URL: '',
  FTB_LOOPBACK_PORT: '',
}

/** An app as installed, Dropbox given a Client ID of the user's own in Settings. */
const startInstalled = () =>
  startApp(
    browser,
    rendererDir,
    { providers: { dropbox: { clientId: 'x7k2mq9wd4p8fzr' } } },
    AS_INSTALLED,
  )

/** A section's heading just below the status bar. */
async function scrollToHeading(page: Page, name: string) {
  await page.getByRole('heading', { name }).evaluate((heading) => {
    const h = heading as unknown as {
      scrollIntoView(o: object): void
      closest(s: string): { scrollBy(x: number, y: number): void }
    }
    h.scrollIntoView({ block: 'start' })
    h.closest('[role="tabpanel"]').scrollBy(0, -18)
  })
}

describe('screenshots of the provider settings, light and dark', () => {
  it('shows Storage providers with Dropbox configured, into docs/screenshots', async () => {
    const installed = await startInstalled()
    try {
      for (const theme of ['light', 'dark'] as const) {
        const page = await installed.open(theme)
        await page.getByRole('tab', { name: 'Settings' }).click()
        const dropbox = page.getByRole('form', { name: 'Dropbox' })
        await until(() => dropbox.getByLabel('Client ID').inputValue()).toBe('x7k2mq9wd4p8fzr')
        expect(await dropbox.getByLabel('Authorization URL', { exact: true }).inputValue()).toBe(
          'https://www.dropbox.com/oauth2/authorize',
        )
        // Tall enough for the whole Dropbox card, its heading just below the status bar.
        await page.setViewportSize({ width: 1100, height: 980 })
        await scrollToHeading(page, 'Storage providers')
        await screenshot(page, 'provider-settings', theme, DOCS_SCREENSHOT_DIR)
      }
      expect(installed.cspViolations).toEqual([])
    } finally {
      await installed.close()
    }
  })
})

describe('screenshot of connecting a WebDAV server, light', () => {
  it('shows the WebDAV form filled in, the password masked, into docs/screenshots', async () => {
    const installed = await startInstalled()
    try {
      const page = await installed.open('light')
      await page.getByRole('tab', { name: 'Connections' }).click()
      const card = page.getByRole('article', { name: 'WebDAV', exact: true })
      await card.getByLabel('Folder URL').fill('https://nas.brewery.example/dav/backups/')
      await card.getByLabel('User name').fill('brewer')
      const password = card.getByLabel('Password')
      await password.fill('hops-and-malt-7f3a')
      // Masked: the picture shows dots, never the password.
      expect(await password.getAttribute('type')).toBe('password')
      // Tall enough for every provider's card down to WebDAV's, below the status bar.
      await page.setViewportSize({ width: 1100, height: 940 })
      await scrollToHeading(page, 'Choose where backups go')
      await screenshot(page, 'connections-webdav', 'light', DOCS_SCREENSHOT_DIR)
      expect(installed.cspViolations).toEqual([])
    } finally {
      await installed.close()
    }
  })
})

describe('screenshots of Backups in the cloud, light and dark', () => {
  it('shows a destination’s backups and a verified restore, into docs/screenshots', async () => {
    const fermentrack = join(tempDir('shots-backups'), 'fermentrack', 'backups')
    mkdirSync(fermentrack, { recursive: true })
    const shots = await startApp(browser, rendererDir, {
      chunkSize: 4 * MIB,
      sources: [firstSource(fermentrack)],
    })
    try {
      const light = await shots.open('light')
      await connectDropbox(light, shots)
      // Two weeks of nightly backups, named as Fermentrack names them, uploaded and verified.
      const nights = Array.from(
        { length: 14 },
        (_, i) => `dbBackup-Fermentrack_2026-11-${String(i + 8).padStart(2, '0')}T03.00.00.tar.xz`,
      )
      const paths = await Promise.all(
        nights.map((name, i) => writeBackup(shots.dropDir, name, 2 * MIB + i * 37_411, i)),
      )
      const queued = await shots.bridge.companion.invoke('uploads.enqueue', { paths })
      expect(queued.ok).toBe(true)
      await until(async () => {
        const done = await shots.bridge.companion.invoke('uploads.history', { status: 'done' })
        return done.ok ? done.value.total : 0
      }).toBe(nights.length)
      const newest = nights.at(-1)!
      for (const theme of ['light', 'dark'] as const) {
        const page = theme === 'light' ? light : await shots.open(theme)
        await page.setViewportSize({ width: 1100, height: 860 })
        await dismissToasts(page)
        await page.getByRole('tab', { name: 'Backups' }).click()
        const rows = page.getByRole('grid', { name: /^Backups at Dropbox/ }).getByRole('row')
        await until(() => rows.count()).toBeGreaterThan(10)
        shots.bridge.restorePicker.folder = join(tempDir(`restored-${theme}`), 'Downloads')
        mkdirSync(shots.bridge.restorePicker.folder, { recursive: true })
        await page.getByRole('button', { name: `Restore ${newest}…` }).click()
        await until(() => page.getByText(/^Restored and verified/).isVisible()).toBe(true)
        await screenshot(page, 'backups', theme, DOCS_SCREENSHOT_DIR)
      }
      expect(shots.cspViolations).toEqual([])
    } finally {
      await shots.close()
    }
  })
})

describe('screenshots of Settings › Health, light and dark', () => {
  it('shows Warn after and a Ping URL that is set, into docs/screenshots', async () => {
    const fermentrack = join(tempDir('shots-health'), 'fermentrack', 'backups')
    mkdirSync(fermentrack, { recursive: true })
    const shots = await startApp(browser, rendererDir, {
      alertAfter: '36h',
      sources: [firstSource(fermentrack)],
      localDestination: tempDir('shots-nas'),
    })
    try {
      // Set through main as the window's Set does; the picture shows only that one is set.
      const set = await shots.bridge.companion.invoke('health.setPingUrl', {
        url: 'https://hc-ping.com/5f0c7a2e-9d41-4b6a-8c3e-2b7d1f6a90e4',
      })
      expect(set).toEqual({ ok: true, value: { set: true } })
      for (const theme of ['light', 'dark'] as const) {
        const page = await shots.open(theme)
        await page.getByRole('tab', { name: 'Settings' }).click()
        const health = page.getByRole('region', { name: 'Health' })
        await until(() => health.locator('.ping-url-state').textContent()).toBe('Set')
        expect(await health.getByLabel('Warn after', { exact: true }).inputValue()).toBe('36')
        await page.setViewportSize({ width: 1100, height: 620 })
        await scrollToHeading(page, 'Health')
        await screenshot(page, 'health-settings', theme, DOCS_SCREENSHOT_DIR)
      }
      expect(shots.cspViolations).toEqual([])
    } finally {
      await shots.close()
    }
  })
})
