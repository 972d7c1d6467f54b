import { readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { firstSource } from '../../src/shared/source-names.ts'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { writeBackup } from '../support/backup-files.ts'
import { tempDir } from '../support/cli-process.ts'
import { nightlyNames, uploadVerified } from '../support/verified-backups.ts'
import { DOCS_SCREENSHOT_DIR, screenshot, until, type App } from './app-harness.ts'
import { appSuite } from './app-suite.ts'

const { open } = appSuite()

const DAY_MS = 86_400_000

/** An app copying to a local folder that holds `count` verified backups and a planted notes.txt. */
async function withVerifiedBackups(count: number, settings = {}) {
  const nas = tempDir('nas')
  const app = await open({ localDestination: nas, ...settings })
  const names = nightlyNames(count)
  await uploadVerified(app.bridge.companion, tempDir('backups'), names)
  const folder = join(nas, 'Fermentrack Backups')
  writeFileSync(join(folder, 'notes.txt'), 'Brew day: pitched the saison yeast at 20 °C.')
  return { app, names, folder }
}

async function openRetention(page: Page) {
  await page.getByRole('tab', { name: 'Settings' }).click()
  const form = page.getByRole('form', { name: 'Retention policy' })
  await form.waitFor()
  return form
}

const settingsFile = (app: App) =>
  JSON.parse(readFileSync(join(app.env.FTB_HOME!, 'settings.json'), 'utf8')) as {
    retention: unknown
  }

describe('the retention preview in the window, against the real engine', () => {
  it('keepLast=3 over 10 verified backups: names the 7 that would go, deletes nothing, saves the policy', async () => {
    const { app, names, folder } = await withVerifiedBackups(10)
    const before = readdirSync(folder).sort()
    expect(before).toEqual([...names, 'notes.txt'].sort())
    const page = await app.open()
    const form = await openRetention(page)
    expect(await page.getByText(/Nothing is deleted while you edit/).isVisible()).toBe(true)

    await form.getByLabel('Keep the newest').fill('3')

    await until(() => form.getByText('These 7 backups would be removed').isVisible()).toBe(true)
    const removed = form.getByRole('list', { name: 'Would be removed' }).getByRole('listitem')
    const rows = await removed.allTextContents()
    // Newest first: the seven oldest, each let go by the draft's rule.
    expect(rows.map((row) => row.slice(0, names[0]!.length))).toEqual(names.slice(0, 7).reverse())
    for (const row of rows) expect(row).toMatch(/keepLast=3$/)
    expect(
      await form.getByText(/3 backups are kept in .*; 1 other file is never touched/).isVisible(),
    ).toBe(true)
    // A preview only: every backup and the planted file are still on disk, settings unchanged.
    expect(readdirSync(folder).sort()).toEqual(before)
    expect(settingsFile(app).retention).toEqual({})

    await form.getByRole('button', { name: 'Save policy' }).click()
    await until(() => form.getByText('Saved', { exact: true }).isVisible()).toBe(true)
    expect(settingsFile(app).retention).toEqual({ keepLast: 3 })
    expect(readdirSync(folder).sort()).toEqual(before)
  })

  it('Prune now confirms the same list, then deletes exactly it: 3 backups and notes.txt stay', async () => {
    // Saved once the ten are up: saved before, each verified upload would have pruned at once.
    const { app, names, folder } = await withVerifiedBackups(10)
    const saved = await app.bridge.companion.invoke('retention.save', { policy: { keepLast: 3 } })
    expect(saved.ok).toBe(true)
    const page = await app.open()
    const form = await openRetention(page)
    await until(() => form.getByText('These 7 backups would be removed').isVisible()).toBe(true)
    await form.getByRole('button', { name: 'Prune now…' }).click()

    const dialog = page.getByRole('alertdialog')
    const listed = await dialog.getByRole('listitem').allTextContents()
    expect(listed.map((row) => row.slice(0, names[0]!.length))).toEqual(names.slice(0, 7).reverse())
    expect(readdirSync(folder)).toHaveLength(11)
    await dialog.getByRole('button', { name: 'Remove 7 backups' }).click()

    await until(() => readdirSync(folder).sort()).toEqual([...names.slice(7), 'notes.txt'].sort())
    await until(() => form.getByText('Nothing would be removed.').isVisible()).toBe(true)
  })

  it('settings.json edited by hand while the window is open: the editor shows the new policy and its preview', async () => {
    const { app, folder } = await withVerifiedBackups(10)
    const page = await app.open()
    const form = await openRetention(page)
    expect(await form.getByLabel('Keep the newest').inputValue()).toBe('')

    const file = join(app.env.FTB_HOME!, 'settings.json')
    const edited = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
    edited.retention = { keepLast: 3 }
    writeFileSync(file, JSON.stringify(edited, null, 2))

    await until(() => form.getByLabel('Keep the newest').inputValue()).toBe('3')
    await until(() => form.getByText('These 7 backups would be removed').isVisible()).toBe(true)
    // Shown, not applied: nothing is deleted until a prune.
    expect(readdirSync(folder)).toHaveLength(11)
  })

  it('refuses a rule the settings schema refuses, before asking main', async () => {
    const { app } = await withVerifiedBackups(2)
    const page = await app.open()
    const form = await openRetention(page)
    await form.getByLabel('Keep the newest').fill('0')
    expect(await form.getByText('From 1 to 100000, or empty for off.').isVisible()).toBe(true)
    expect(await form.getByRole('button', { name: 'Save policy' }).isDisabled()).toBe(true)
    expect(settingsFile(app).retention).toEqual({})
  })
})

/** A watched folder whose newest backup Fermentrack wrote three days ago. */
async function staleWatchFolder(): Promise<string> {
  const watched = tempDir('watched')
  const old = await writeBackup(watched, 'fermentrack_backup-2026-12-03T02.00.00.tar.xz', 900, 7)
  const then = new Date(Date.now() - 3 * DAY_MS - 60_000)
  utimesSync(old, then, then)
  return watched
}

describe('health in the window, against the real engine', () => {
  it('a watch folder silent for 3 days shows a banner with the cause and the fix', async () => {
    const app = await open({
      sources: [firstSource(await staleWatchFolder())],
      localDestination: tempDir('nas'),
    })
    const page = await app.open()
    const banner = page.getByRole('alert').filter({ hasText: 'Backups have gone quiet' })
    await until(() => banner.textContent()).toContain(
      "No new Fermentrack backup for 3 days: check that Fermentrack's backups are on.",
    )
    // The watcher copied the old backup: the Uploads header says when, as words.
    await until(() => page.getByText(/^Last backup /).textContent()).toMatch(
      /^Last backup (just now|\d+ minutes? ago)$/,
    )
  })
})

describe('screenshots of retention and health, light and dark', () => {
  it('shows the retention editor with a preview, and the health banner, into docs/screenshots', async () => {
    const { app } = await withVerifiedBackups(21, { watchFolder: await staleWatchFolder() })
    for (const theme of ['light', 'dark'] as const) {
      const page = await app.open(theme)
      const banner = page.getByRole('alert').filter({ hasText: 'Backups have gone quiet' })
      await until(() => banner.isVisible()).toBe(true)
      await until(() => page.getByText(/^Last backup /).isVisible()).toBe(true)
      await screenshot(page, 'health-banner', theme, DOCS_SCREENSHOT_DIR)

      // Tall enough for the rules and the start of the preview, the heading below the status bar.
      await page.setViewportSize({ width: 1100, height: 940 })
      const form = await openRetention(page)
      await form.getByLabel('Keep the newest').fill('3')
      await form.getByLabel('Keep one a week for').fill('2')
      await until(() => form.getByText(/backups would be removed$/).isVisible()).toBe(true)
      await page.getByRole('heading', { name: 'Retention' }).evaluate((heading) => {
        const h = heading as unknown as {
          scrollIntoView(o: object): void
          closest(s: string): { scrollBy(x: number, y: number): void }
        }
        h.scrollIntoView({ block: 'start' })
        h.closest('[role="tabpanel"]').scrollBy(0, -18)
      })
      await screenshot(page, 'retention', theme, DOCS_SCREENSHOT_DIR)
    }
  })
})
