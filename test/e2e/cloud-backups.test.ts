import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import type { Settings } from '../../src/shared/settings-schema.ts'
import { tempDir } from '../support/cli-process.ts'
import { CLOUD_PROVIDERS, TARGET, cloudHomesFor } from '../support/cloud-homes.ts'
import { nightlyNames, uploadVerified } from '../support/verified-backups.ts'
import { dropBackup, until, uploadedJob } from './app-harness.ts'
import { appSuite } from './app-suite.ts'

const { open } = appSuite()

/** Picks the cloud account in the Backups section's destination list; returns its label. */
async function showBackupsAt(page: Page, provider: string): Promise<string> {
  await page.getByRole('tab', { name: 'Backups' }).click()
  const picker = page.getByLabel('Destination')
  await until(() => picker.locator('option').count()).toBeGreaterThan(0)
  const labels = await picker.locator('option').allTextContents()
  const account = labels.find((label) => label.startsWith(provider))
  expect(account, labels.join(' | ')).toBeDefined()
  await picker.selectOption({ label: account! })
  return account!
}

describe.each(CLOUD_PROVIDERS)('$name from the window, against the real engine', (kind) => {
  const cloudHome = cloudHomesFor(kind)

  /** The window over a home connected to the emulator (connecting is the *-connect tests'). */
  async function appOnCloud(settings: Partial<Settings> = {}) {
    const cloud = await cloudHome()
    const app = await open(settings, cloud.env)
    return { app, cloud }
  }

  it('a dropped backup lands verified; Restore… from Backups in the cloud brings it back byte-identical, verified', async () => {
    const { app, cloud } = await appOnCloud()
    const page = await app.open()
    const name = 'dbBackup-Fermentrack_2026-11-21T08.00.00.tar.xz'
    const original = await dropBackup(page, app, name, 700_000, 5)
    const job = await uploadedJob(page, app, name)
    expect(job).toMatchObject({
      state: 'done',
      remotePath: `${TARGET}/${name}`,
      contentHash: expect.any(String),
      checksumAlgorithm: expect.stringMatching(/^(sha256|quickxor)/i),
      verifiedBy: expect.any(String),
    })
    expect(cloud.bytes(name)?.equals(readFileSync(original))).toBe(true)

    const account = await showBackupsAt(page, kind.label)
    const rows = page.getByRole('grid', { name: `Backups at ${account}` }).getByRole('row')
    await until(() => rows.count()).toBe(2)
    expect(await rows.nth(1).getByText('Verified at upload').isVisible()).toBe(true)

    const folder = tempDir('e2e-cloud-restored')
    app.bridge.restorePicker.folder = folder
    await page.getByRole('button', { name: `Restore ${name}…` }).click()
    const panel = page.getByRole('region', { name: `Restore of ${name}` })
    await until(() => panel.getByText(/^Restored and verified/).isVisible()).toBe(true)
    expect(readdirSync(folder)).toEqual([name])
    expect(readFileSync(join(folder, name)).equals(readFileSync(original))).toBe(true)
  })

  it('refuses a copy changed in the cloud since its upload, says why, and leaves no file', async () => {
    const { app, cloud } = await appOnCloud()
    const name = 'dbBackup-Fermentrack_2026-11-23T08.00.00.tar.xz'
    await uploadVerified(app.bridge.companion, tempDir('backups'), [name])
    // The service reports checksums of the new bytes: only the upload's record tells them apart.
    cloud.damage(name)
    const page = await app.open()
    await showBackupsAt(page, kind.label)

    const folder = tempDir('e2e-cloud-refused')
    app.bridge.restorePicker.folder = folder
    await page.getByRole('button', { name: `Restore ${name}…` }).click()
    const alert = page.getByRole('region', { name: `Restore of ${name}` }).getByRole('alert')
    await until(() => alert.isVisible()).toBe(true)
    expect(await alert.textContent()).toMatch(/does not match its upload .*nothing was restored/)
    expect(readdirSync(folder)).toEqual([])
  })

  it('the retention preview names what keepLast=3 lets go, and Prune now leaves exactly the kept files there', async () => {
    const { app, cloud } = await appOnCloud()
    const names = nightlyNames(8)
    await uploadVerified(app.bridge.companion, tempDir('backups'), names)
    cloud.plant('notes.txt', 'Brew day: pitched the saison yeast at 20 °C.')
    expect(cloud.names().sort()).toEqual([...names, 'notes.txt'].sort())
    const page = await app.open()
    await page.getByRole('tab', { name: 'Settings' }).click()
    const form = page.getByRole('form', { name: 'Retention policy' })
    await form.getByLabel('Keep the newest').fill('3')

    await until(() => form.getByText('These 5 backups would be removed').isVisible()).toBe(true)
    const removed = form.getByRole('list', { name: 'Would be removed' }).getByRole('listitem')
    const rows = await removed.allTextContents()
    expect(rows.map((row) => row.slice(0, names[0]!.length))).toEqual(names.slice(0, 5).reverse())
    // A preview only: nothing has gone from the cloud.
    expect(cloud.names()).toHaveLength(9)

    await form.getByRole('button', { name: 'Save policy' }).click()
    await until(() => form.getByText('Saved', { exact: true }).isVisible()).toBe(true)
    await form.getByRole('button', { name: 'Prune now…' }).click()
    const dialog = page.getByRole('alertdialog')
    const listed = await dialog.getByRole('listitem').allTextContents()
    expect(listed.map((row) => row.slice(0, names[0]!.length))).toEqual(names.slice(0, 5).reverse())
    await dialog.getByRole('button', { name: 'Remove 5 backups' }).click()

    await until(() => cloud.names().sort()).toEqual([...names.slice(5), 'notes.txt'].sort())
    await until(() => form.getByText('Nothing would be removed.').isVisible()).toBe(true)
  })
})
