import { describe, expect, it } from 'vitest'
import { statusLine, trayTooltip } from '../../../src/main/app/tray-menu.ts'
import { initialTrayState, reduceTrayState, trayIcon } from '../../../src/main/app/tray-state.ts'
import type { HealthView } from '../../../src/shared/ipc-contract.ts'
import { QUIET_FERMENTRACK, status } from './tray-fixtures.ts'

const QUIET = QUIET_FERMENTRACK
const FINE: HealthView = { alerts: [], lastBackupAt: 1, checkedAt: 1 }

describe('the tray warns when backups go quiet', () => {
  it('shows the warning icon and the cause while a health alert stands', () => {
    const state = reduceTrayState(initialTrayState(status(), []), 'health.changed', QUIET)
    expect(trayIcon(state)).toBe('warning')
    expect(statusLine(state)).toBe(`Warning: ${QUIET.alerts[0]!.message}`)
    expect(trayTooltip(state)).toContain('Warning: No new Fermentrack backup for 3 days')
  })

  it('goes back to idle when the alert clears', () => {
    const warned = reduceTrayState(initialTrayState(status(), []), 'health.changed', QUIET)
    const cleared = reduceTrayState(warned, 'health.changed', FINE)
    expect(trayIcon(cleared)).toBe('idle')
    expect(statusLine(cleared)).toBe('Up to date, watching for new backups')
  })

  it('leaves an upload error, an upload or a pause in front of the warning', () => {
    for (const tray of ['error', 'uploading', 'paused'] as const) {
      const state = initialTrayState(status({ tray }), [], QUIET.alerts)
      expect(trayIcon(state)).toBe(tray)
    }
  })
})

describe('the tray warns of a hand edit of settings.json that is not applied', () => {
  const PROBLEM =
    'Settings file /home/brewer/.config/fermentrack-backup/settings.json is not valid JSON (Unexpected end of JSON input); the settings from before stay in effect until it is corrected.'

  it('shows the warning icon and a short line while the problem stands, and idles once fixed', () => {
    const broken = reduceTrayState(initialTrayState(status(), []), 'settingsFile.changed', {
      problem: PROBLEM,
    })
    expect(trayIcon(broken)).toBe('warning')
    expect(statusLine(broken)).toBe('Warning: your edit of the settings file is not applied')
    const fixed = reduceTrayState(broken, 'settingsFile.changed', { problem: null })
    expect(trayIcon(fixed)).toBe('idle')
    expect(statusLine(fixed)).toBe('Up to date, watching for new backups')
  })
})
