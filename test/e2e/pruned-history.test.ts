import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeBackup } from '../support/backup-files.ts'
import { tempDir } from '../support/cli-process.ts'
import { nightlyNames, uploadVerified } from '../support/verified-backups.ts'
import { until } from './app-harness.ts'
import { appSuite } from './app-suite.ts'

const { open } = appSuite()

describe('the history in the window, against the real engine', () => {
  it('lists a backup retention deleted that this app never uploaded, saying so', async () => {
    const nas = tempDir('nas')
    const folder = join(nas, 'Fermentrack Backups')
    // Copied there by hand before this app ever ran: older than everything it uploads.
    const planted = 'fermentrack_backup-2026-10-01T10.00.00.tar.xz'
    mkdirSync(folder, { recursive: true })
    const bytes = readFileSync(await writeBackup(tempDir('by-hand'), planted, 3000, 9))
    writeFileSync(join(folder, planted), bytes)
    const app = await open({ localDestination: nas, retention: { keepLast: 3 } })

    // Auto-prune after the verified uploads: four backups there, keepLast=3 lets the planted go.
    await uploadVerified(app.bridge.companion, tempDir('backups'), nightlyNames(3))
    await until(() => existsSync(join(folder, planted))).toBe(false)

    const page = await app.open()
    await page.getByRole('tab', { name: 'Uploads' }).click()
    const removed = page.getByRole('list', { name: 'Removed by retention' })
    const item = removed.getByRole('listitem').filter({ hasText: planted })
    await until(() => item.textContent()).toContain(
      'pruned by keepLast=3; not uploaded by this app',
    )
    // None of this app's own uploads was pruned, so the list holds only the planted file.
    expect(await removed.getByRole('listitem').count()).toBe(1)
  })
})
