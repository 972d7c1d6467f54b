import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { uploadBucket } from '../../src/main/net/bandwidth-limit.ts'
import { dropboxContentHash } from '../support/backup-files.ts'
import {
  dismissToasts,
  dropBackup,
  historyStatus,
  jobsOf,
  storedAtPath,
  until,
  type App,
} from './app-harness.ts'
import { appSuite } from './app-suite.ts'

const { openConnected } = appSuite()

/** 300 KiB: at 1 KB/s it would take five minutes, far past any wait here. */
const SIZE = 300 * 1024

/** What the engine wrote to settings.json, read as a hand editor would see it. */
const settingsFile = (app: App) =>
  JSON.parse(readFileSync(join(app.env.FTB_HOME!, 'settings.json'), 'utf8')) as Record<
    string,
    unknown
  >

async function saveSettings(page: Page) {
  const form = page.getByRole('tabpanel', { name: 'Settings' })
  await dismissToasts(page)
  await form.getByRole('button', { name: 'Save changes' }).click()
  await until(() => form.getByText('Saved', { exact: true }).isVisible()).toBe(true)
}

async function limitTo(page: Page, unit: 'unlimited' | 'KB' | 'MB', amount?: string) {
  await page.getByRole('tab', { name: 'Settings' }).click()
  await page.getByLabel('Upload speed limit', { exact: true }).selectOption(unit)
  if (amount !== undefined) await page.getByLabel(`Upload speed limit in ${unit}/s`).fill(amount)
}

/** Local "HH:MM", `hours` from now. */
function clockIn(hours: number): string {
  const at = new Date(Date.now() + hours * 3_600_000)
  return `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`
}

describe('the upload speed limit set in the window', () => {
  it('paces a running upload, and lifting it to Unlimited lets that upload finish', async () => {
    const { app, page } = await openConnected()
    try {
      await limitTo(page, 'KB', '1')
      await saveSettings(page)
      expect(settingsFile(app).bandwidthLimit).toBe(1024)
      expect(uploadBucket.bytesPerSecond).toBe(1024)

      const drawnBefore = uploadBucket.bytesDrawn
      const name = 'fermentrack-backup-2026-12-01.tar.xz'
      const path = await dropBackup(page, app, name, SIZE, 3)
      // Its body is going out through the capped bucket, a KiB at a time.
      await until(() => uploadBucket.bytesDrawn - drawnBefore).toBeGreaterThan(0)
      expect((await jobsOf(app)).find((job) => job.name === name)?.state).toBe('uploading')

      await limitTo(page, 'unlimited')
      await saveSettings(page)
      expect(settingsFile(app).bandwidthLimit).toBe(0)
      expect(uploadBucket.bytesPerSecond).toBe(0)

      await page.getByRole('tab', { name: 'Uploads' }).click()
      await until(() => historyStatus(page, name)).toBe('Uploaded')
      expect(storedAtPath(app.emulator, `/Fermentrack Backups/${name}`)?.content_hash).toBe(
        await dropboxContentHash(path),
      )
    } finally {
      uploadBucket.setRate(0)
    }
  })

  it('lifts the limit inside the full-speed hours: an upload a 1 KB/s cap would hold back completes', async () => {
    const { app, page } = await openConnected()
    try {
      await limitTo(page, 'KB', '1')
      await page.getByRole('switch', { name: 'Full speed at night' }).click()
      await page.getByLabel('Full speed from').fill(clockIn(-2))
      await page.getByLabel('Full speed until').fill(clockIn(2))
      await saveSettings(page)
      expect(settingsFile(app)).toMatchObject({
        bandwidthLimit: 1024,
        bandwidthSchedule: { fullSpeedFrom: clockIn(-2), fullSpeedTo: clockIn(2) },
      })
      // Inside the hours the cap in force is none, though 1 KB/s is saved.
      expect(uploadBucket.bytesPerSecond).toBe(0)

      const drawnBefore = uploadBucket.bytesDrawn
      const name = 'fermentrack-backup-2026-12-02.tar.xz'
      const path = await dropBackup(page, app, name, SIZE, 4)
      await page.getByRole('tab', { name: 'Uploads' }).click()
      await until(() => historyStatus(page, name)).toBe('Uploaded')
      expect(storedAtPath(app.emulator, `/Fermentrack Backups/${name}`)?.content_hash).toBe(
        await dropboxContentHash(path),
      )
      expect(uploadBucket.bytesDrawn - drawnBefore).toBe(0)

      // Hours that do not hold now: the saved cap is back in force at once.
      await page.getByRole('tab', { name: 'Settings' }).click()
      await page.getByLabel('Full speed from').fill(clockIn(3))
      await page.getByLabel('Full speed until').fill(clockIn(5))
      await saveSettings(page)
      expect(settingsFile(app)).toMatchObject({
        bandwidthLimit: 1024,
        bandwidthSchedule: { fullSpeedFrom: clockIn(3), fullSpeedTo: clockIn(5) },
      })
      expect(uploadBucket.bytesPerSecond).toBe(1024)
    } finally {
      uploadBucket.setRate(0)
    }
  })
})
