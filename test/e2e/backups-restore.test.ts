import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { writeBackup } from '../support/backup-files.ts'
import { tempDir } from '../support/cli-process.ts'
import { connectDropbox, jobsOf, until, type App } from './app-harness.ts'
import { appSuite } from './app-suite.ts'

const { open } = appSuite()

const REMOTE = 'Fermentrack Backups'
const OLDER = 'dbBackup-Fermentrack_2026-11-20T08.00.00.tar.xz'
const NEWER = 'dbBackup-Fermentrack_2026-11-21T08.00.00.tar.xz'

/** Uploads through the engine and waits until every upload to every destination is verified. */
async function uploadBackups(app: App, names: string[]): Promise<string[]> {
  const paths = await Promise.all(
    names.map((name, i) => writeBackup(app.dropDir, name, 300_000 + i, i + 1)),
  )
  const queued = await app.bridge.companion.invoke('uploads.enqueue', { paths })
  if (!queued.ok) throw new Error(queued.error.message)
  await until(async () => (await jobsOf(app)).every((job) => job.state === 'done')).toBe(true)
  return paths
}

/** An app whose local-folder destination holds two uploaded backups; the page on Backups. */
async function appWithBackups() {
  const nas = tempDir('e2e-nas')
  const app = await open({ localDestination: nas })
  const originals = await uploadBackups(app, [OLDER, NEWER])
  const page = await app.open()
  // Everything the page sends main, from a fresh load on.
  const sent: string[] = []
  page.on('websocket', (socket) => socket.on('framesent', (f) => void sent.push(String(f.payload))))
  await page.reload()
  await page.getByRole('tablist', { name: 'Sections' }).waitFor()
  await page.getByRole('tab', { name: 'Backups' }).click()
  return { app, page, nas, originals, sent }
}

const grid = (page: Page, destination: string) =>
  page.getByRole('grid', { name: `Backups at ${destination}` })

const restoreButton = (page: Page, name: string) =>
  page.getByRole('button', { name: `Restore ${name}…` })

describe('restoring a backup from the window', () => {
  it('restores byte-identical into the folder main chose, says verified, and shows it', async () => {
    const { app, page, originals, sent } = await appWithBackups()
    const rows = grid(page, 'Local or NAS folder').getByRole('row')
    await until(() => rows.count()).toBe(3)
    // Newest first, by the time in the name, each verified when it was uploaded.
    expect(await rows.nth(1).textContent()).toContain(NEWER)
    expect(await rows.nth(2).textContent()).toContain(OLDER)
    expect(await rows.nth(1).getByText('Verified at upload').isVisible()).toBe(true)

    // The native folder picker, played by the bridge: the folder is chosen in main.
    const folder = tempDir('e2e-restored')
    app.bridge.restorePicker.folder = folder
    await restoreButton(page, NEWER).click()
    const panel = page.getByRole('region', { name: `Restore of ${NEWER}` })
    await until(() => panel.getByText(/^Restored and verified \(sha256/).isVisible()).toBe(true)

    expect(readdirSync(folder)).toEqual([NEWER])
    expect(readFileSync(join(folder, NEWER)).equals(readFileSync(originals[1]!))).toBe(true)
    expect(await panel.getByText(join(folder, NEWER)).isVisible()).toBe(true)
    expect(app.bridge.restorePicker.openedAt).toHaveLength(1)

    await panel.getByRole('button', { name: 'Show in folder' }).click()
    await until(() => app.bridge.shownInFolder).toEqual([join(folder, NEWER)])
    // The page named the backup and the restore's id, never a folder or a path.
    const restoreCalls = sent.filter((frame) => frame.includes('"backups.'))
    expect(restoreCalls.length).toBeGreaterThan(0)
    for (const frame of sent) expect(frame).not.toContain(folder)
  })

  it('refuses a damaged remote copy, says why with the fix, and leaves no file', async () => {
    const { app, page, nas } = await appWithBackups()
    const stored = join(nas, REMOTE, NEWER)
    const damaged = readFileSync(stored)
    damaged[150_000] = damaged[150_000]! ^ 0xff
    writeFileSync(stored, damaged)

    const folder = tempDir('e2e-refused')
    app.bridge.restorePicker.folder = folder
    await restoreButton(page, NEWER).click()
    const panel = page.getByRole('region', { name: `Restore of ${NEWER}` })
    const alert = panel.getByRole('alert')
    await until(() => alert.isVisible()).toBe(true)
    expect(await alert.textContent()).toContain('nothing was restored')
    expect(await alert.textContent()).toContain('Restore an older backup')
    expect(await panel.getByRole('button', { name: 'Show in folder' }).count()).toBe(0)
    // Not the backup, nor a partial or temporary file.
    expect(readdirSync(folder)).toEqual([])
  })

  it('restores from a cloud account chosen in the destination list', async () => {
    const nas = tempDir('e2e-nas')
    const app = await open({ localDestination: nas })
    const page = await app.open()
    await connectDropbox(page, app)
    const [original] = await uploadBackups(app, [NEWER])
    await page.getByRole('tab', { name: 'Backups' }).click()
    const picker = page.getByLabel('Destination')
    const account = (await picker.locator('option').allTextContents()).find((label) =>
      label.startsWith('Dropbox'),
    )
    expect(account).toBeDefined()
    await picker.selectOption({ label: account! })
    await until(() => grid(page, account!).getByRole('row').count()).toBe(2)

    const folder = tempDir('e2e-from-cloud')
    app.bridge.restorePicker.folder = folder
    await restoreButton(page, NEWER).click()
    const panel = page.getByRole('region', { name: `Restore of ${NEWER}` })
    await until(() => panel.getByText(/^Restored and verified/).isVisible()).toBe(true)
    expect(readFileSync(join(folder, NEWER)).equals(readFileSync(original!))).toBe(true)
  })
})
