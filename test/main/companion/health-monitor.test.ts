import { mkdirSync, utimesSync } from 'node:fs'
import { firstSource } from '../../../src/shared/source-names.ts'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { CompanionService } from '../../../src/main/companion/companion-service.ts'
import { startCompanion } from '../../support/companion-fixture.ts'
import type { HealthView } from '../../../src/shared/ipc-contract.ts'
import { writeBackup } from '../../support/backup-files.ts'
import { tempDir } from '../../support/cli-process.ts'
import { writeSettings } from '../../support/upload-fixture.ts'
import { waitFor } from '../../support/wait-for.ts'
import { uploadVerified } from '../../support/verified-backups.ts'

vi.setConfig({ testTimeout: 60_000 })

const services: CompanionService[] = []
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.stop()))
})

const DAY_MS = 86_400_000

/** A companion watching `watched`, copying to a local folder. */
async function companion(watched: string) {
  const home = tempDir('home')
  writeSettings(home, { sources: [firstSource(watched)], settleSeconds: 0.2 })
  const { service, events } = await startCompanion({
    FTB_HOME: home,
    FTB_LOCAL_DESTINATION: tempDir('nas'),
  })
  services.push(service)
  /** Every health.changed the window would have heard. */
  const changes = () =>
    events.filter(([name]) => name === 'health.changed').map(([, view]) => view as HealthView)
  return { service, changes }
}

async function health(service: CompanionService): Promise<HealthView> {
  const result = await service.invoke('health.get', undefined)
  if (!result.ok) throw new Error(result.error.message)
  return result.value
}

describe('health in the window', () => {
  it('alarms when Fermentrack wrote nothing for days, naming the cause and the fix', async () => {
    const watched = tempDir('watched')
    const old = await writeBackup(watched, 'fermentrack_backup-2026-11-01T10.00.00.tar.xz', 900, 1)
    const threeDaysAgo = new Date(Date.now() - 3 * DAY_MS - 60_000)
    utimesSync(old, threeDaysAgo, threeDaysAgo)
    const { service, changes } = await companion(watched)

    const view = await waitFor(
      async () => {
        const h = await health(service)
        return h.alerts.some((a) => a.key === 'source:fermentrack') && h
      },
      { what: 'the watch folder alert' },
    )
    expect(view.alerts.find((a) => a.key === 'source:fermentrack')?.message).toBe(
      "No new Fermentrack backup for 3 days: check that Fermentrack's backups are on.",
    )
    expect(changes().some((c) => c.alerts.some((a) => a.key === 'source:fermentrack'))).toBe(true)
  })

  it('knows the last backup after an upload finishes, and says so in health.changed', async () => {
    const watched = tempDir('watched')
    mkdirSync(watched, { recursive: true })
    const { service, changes } = await companion(watched)
    expect((await health(service)).lastBackupAt).toBeNull()

    const before = Date.now()
    await uploadVerified(service, tempDir('drops'), [
      'fermentrack_backup-2026-12-06T10.00.00.tar.xz',
    ])

    const changed = await waitFor(() => changes().find((c) => c.lastBackupAt !== null), {
      what: 'health.changed with the last backup',
    })
    expect(changed.lastBackupAt).toBeGreaterThanOrEqual(before)
    expect((await health(service)).lastBackupAt).toBe(changed.lastBackupAt)
    // The destination got what there was: no alert about it.
    expect(changed.alerts.filter((a) => a.key.startsWith('destination:'))).toEqual([])
  })
})
