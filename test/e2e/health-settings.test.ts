import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../support/cli-process.ts'
import { filesUnder } from '../support/home-files.ts'
import { startPingMonitor } from '../support/ping-monitor.ts'
import { dropBackup, until, uploadedJob } from './app-harness.ts'
import { appSuite } from './app-suite.ts'

const { open } = appSuite()

const SECRET_PATH = '/ping/e2e-0a1b2c3d-window-secret'

describe('Settings → Health in the window, against the real engine', () => {
  it('sets the Ping URL (pinged after an upload; never sent back to the window) and Warn after', async () => {
    const monitor = await startPingMonitor()
    const secret = monitor.url + SECRET_PATH
    try {
      const app = await open({ localDestination: tempDir('nas') })
      const page = await app.open()
      await page.getByRole('tab', { name: 'Settings' }).click()
      const health = page.getByRole('region', { name: 'Health' })
      const state = health.locator('.ping-url-state')
      await until(() => state.textContent()).toBe('Not set')

      await health.getByLabel('Ping URL').fill(secret)
      await health.getByRole('button', { name: 'Set', exact: true }).click()
      await until(() => state.textContent()).toBe('Set')
      expect(await health.getByLabel('Ping URL').inputValue()).toBe('')

      await health.getByLabel('Warn after', { exact: true }).fill('36')
      await health.getByLabel('Warn after, unit').selectOption('h')
      await page.getByRole('button', { name: 'Save changes' }).click()
      await until(() => page.getByText('Saved', { exact: true }).isVisible()).toBe(true)
      const home = app.env.FTB_HOME!
      const settings = JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8'))
      expect(settings).toMatchObject({ alertAfter: '36h', healthcheckPing: true })

      await page.getByRole('tab', { name: 'Uploads' }).click()
      const name = 'fermentrack-backup-2026-12-06.tar.xz'
      await dropBackup(page, app, name, 50_000, 5)
      await uploadedJob(page, app, name)
      await until(() => monitor.seen).toEqual([`GET ${SECRET_PATH}`])

      // Only the secret store holds it: no frame main sent the window, no other file.
      for (const frame of app.received) expect(frame).not.toContain(SECRET_PATH)
      const secretFile = join(home, 'secrets.json')
      expect(readFileSync(secretFile, 'utf8')).toContain(SECRET_PATH)
      for (const file of await filesUnder(home, [secretFile]))
        expect(readFileSync(file, 'utf8'), file).not.toContain(SECRET_PATH)
    } finally {
      monitor.close()
    }
  })
})
