import { describe, expect, it } from 'vitest'
import {
  statusLine,
  trayIconFile,
  trayMenuTemplate,
  trayTooltip,
  uploadLine,
  type TrayActions,
} from '../../../src/main/app/tray-menu.ts'
import {
  initialTrayState,
  reduceTrayState,
  type TrayState,
} from '../../../src/main/app/tray-state.ts'
import type { StatusView } from '../../../src/shared/ipc-contract.ts'
import { job, status } from './tray-fixtures.ts'

type Template = ReturnType<typeof trayMenuTemplate>

function recordingActions() {
  const calls: string[] = []
  const actions: TrayActions = {
    scanNow: () => calls.push('scanNow'),
    pause: () => calls.push('pause'),
    resume: () => calls.push('resume'),
    openWindow: () => calls.push('openWindow'),
    openBackupsFolder: () => calls.push('openBackupsFolder'),
    setUploadLimit: (rate) => calls.push(`setUploadLimit(${rate})`),
    quit: () => calls.push('quit'),
  }
  return { calls, actions }
}

/** The menu as text: one line per item, "(off)" when disabled, "---" for separators. */
function render(template: Template): string[] {
  return template.map((item) =>
    item.type === 'separator' ? '---' : `${item.label}${item.enabled === false ? ' (off)' : ''}`,
  )
}

function click(template: Template, label: string): void {
  const item = template.find((entry) => entry.label === label)
  if (!item?.click) throw new Error(`no clickable item ${label}`)
  ;(item.click as () => void)()
}

const ERROR: NonNullable<StatusView['lastError']> = {
  code: 'insufficient_space',
  message:
    'backup-2026-11-19.tar.xz: The storage is full: the backup does not fit in the space left. ' +
    'Free up space (or upgrade the plan), then retry the failed uploads.',
}

describe('the tray menu in each state', () => {
  it('idle: up to date, with every action', () => {
    const { actions, calls } = recordingActions()
    const template = trayMenuTemplate(initialTrayState(status(), []), actions)
    expect(render(template)).toEqual([
      'Up to date, watching for new backups (off)',
      '---',
      'Upload new backups now',
      'Pause auto-upload',
      'Limit upload speed',
      '---',
      'Open Fermentrack Backup Companion',
      'Open backups folder',
      '---',
      'Quit',
    ])
    for (const label of [
      'Upload new backups now',
      'Pause auto-upload',
      'Open Fermentrack Backup Companion',
      'Open backups folder',
      'Quit',
    ])
      click(template, label)
    expect(calls).toEqual(['scanNow', 'pause', 'openWindow', 'openBackupsFolder', 'quit'])
  })

  it('uploading: the current upload with its percentage and how many more', () => {
    const state = initialTrayState(
      status({ tray: 'uploading', counts: { ...status().counts, uploading: 3 } }),
      [job({ id: 7, bytesDone: 420, name: 'b.tar.xz' }), job({ id: 9 }), job({ id: 8 })],
    )
    const lines = render(trayMenuTemplate(state, recordingActions().actions))
    expect(lines.slice(0, 2)).toEqual([
      'Uploading 3 backups (off)',
      'b.tar.xz: 42% (+2 more) (off)',
    ])
    expect(lines).toContain('Pause auto-upload')
  })

  it('error: the failure and its reason, until the next success', () => {
    const state = initialTrayState(status({ tray: 'error', lastError: ERROR }), [])
    const [first] = render(trayMenuTemplate(state, recordingActions().actions))
    expect(first).toMatch(/^Problem: backup-2026-11-19\.tar\.xz: The storage is full.*… \(off\)$/)
    expect(first!.length).toBeLessThanOrEqual(80 + ' (off)'.length)
    // The service clears lastError on the next success (StatusTracker); the tray follows it.
    const cleared = reduceTrayState(state, 'status.changed', status())
    expect(statusLine(cleared)).toBe('Up to date, watching for new backups')
  })

  it('paused: says so and offers Resume', () => {
    const { actions, calls } = recordingActions()
    const template = trayMenuTemplate(
      initialTrayState(status({ tray: 'paused', paused: ['*'] }), []),
      actions,
    )
    expect(render(template).slice(0, 4)).toEqual([
      'Auto-upload is paused (off)',
      '---',
      'Upload new backups now',
      'Resume auto-upload',
    ])
    click(template, 'Resume auto-upload')
    expect(calls).toEqual(['resume'])
  })

  it('no folder chosen: nothing to scan or open', () => {
    const state = initialTrayState(
      status({ watch: { folder: null, state: 'off', error: null } }),
      [],
    )
    expect(render(trayMenuTemplate(state, recordingActions().actions))).toEqual(
      expect.arrayContaining([
        'No backups folder chosen (off)',
        'Upload new backups now (off)',
        'Open backups folder (off)',
      ]),
    )
  })

  it('queued but idle (say, waiting for a reconnect): how many are waiting', () => {
    const state = initialTrayState(status({ counts: { ...status().counts, queued: 1 } }), [])
    expect(statusLine(state)).toBe('1 backup waiting to upload')
  })
})

/** The "Limit upload speed" submenu as "label" lines, "(•)" on the checked radio item. */
function limitChoices(template: Template): string[] {
  const submenu = template.find((item) => item.label === 'Limit upload speed')?.submenu
  if (!Array.isArray(submenu)) throw new Error('no Limit upload speed submenu')
  return submenu.map((item) => `${item.label}${item.checked ? ' (•)' : ''} [${item.type}]`)
}

describe('the Limit upload speed submenu', () => {
  it('offers Unlimited and three rates as radio items, the saved one checked', () => {
    const template = trayMenuTemplate(
      initialTrayState(status(), [], [], 1024 * 1024),
      recordingActions().actions,
    )
    expect(limitChoices(template)).toEqual([
      'Unlimited [radio]',
      '256 KB/s [radio]',
      '1 MB/s (•) [radio]',
      '5 MB/s [radio]',
    ])
  })

  it('adds a limit saved elsewhere (window, settings file) in its place, checked', () => {
    const template = trayMenuTemplate(
      initialTrayState(status(), [], [], 1536 * 1024),
      recordingActions().actions,
    )
    expect(limitChoices(template)).toEqual([
      'Unlimited [radio]',
      '256 KB/s [radio]',
      '1 MB/s [radio]',
      '1.5 MB/s (•) [radio]',
      '5 MB/s [radio]',
    ])
  })

  it('saves the rate clicked, in bytes per second', () => {
    const { actions, calls } = recordingActions()
    const template = trayMenuTemplate(initialTrayState(status(), []), actions)
    expect(limitChoices(template)[0]).toBe('Unlimited (•) [radio]')
    const submenu = template.find((item) => item.label === 'Limit upload speed')!
      .submenu as Template
    for (const label of ['256 KB/s', '5 MB/s', 'Unlimited']) click(submenu, label)
    expect(calls).toEqual([
      'setUploadLimit(262144)',
      'setUploadLimit(5242880)',
      'setUploadLimit(0)',
    ])
  })

  it('follows the saved limit as settings change, from the window or the tray itself', () => {
    const state = initialTrayState(status(), [])
    // Only the limit matters to the tray; the rest of SettingsView is left out.
    const settings = { bandwidthLimit: 256 * 1024 }
    const next = reduceTrayState(state, 'settings.changed', settings)
    expect(next.uploadLimit).toBe(256 * 1024)
    expect(reduceTrayState(next, 'settings.changed', settings)).toBe(next)
  })
})

describe('tray state', () => {
  const base = (): TrayState => initialTrayState(status({ tray: 'uploading' }), [])

  it('follows jobs and their progress, oldest upload first', () => {
    let state = base()
    state = reduceTrayState(state, 'uploads.job', job({ id: 5, name: 'late.tar.xz' }))
    state = reduceTrayState(state, 'uploads.job', job({ id: 2, name: 'early.tar.xz' }))
    state = reduceTrayState(state, 'uploads.progress', {
      jobId: 2,
      bytesDone: 999,
      size: 1000,
      bytesPerSecond: 1,
      etaSeconds: 1,
    })
    expect(uploadLine(state.uploads)).toBe('early.tar.xz: 99% (+1 more)')
    state = reduceTrayState(
      state,
      'uploads.job',
      job({ id: 2, state: 'verifying', bytesDone: 1000 }),
    )
    expect(uploadLine(state.uploads)).toBe('backup-2026-11-20.tar.xz: verifying (+1 more)')
    state = reduceTrayState(state, 'uploads.job', job({ id: 2, state: 'done' }))
    state = reduceTrayState(state, 'uploads.job', job({ id: 5, state: 'failed' }))
    expect(uploadLine(state.uploads)).toBeNull()
  })

  it('ignores progress for jobs it does not know and events it does not use', () => {
    const state = base()
    const progress = { jobId: 42, bytesDone: 1, size: 2, bytesPerSecond: 1, etaSeconds: null }
    expect(reduceTrayState(state, 'uploads.progress', progress)).toBe(state)
    expect(reduceTrayState(state, 'connections.changed', [])).toBe(state)
  })

  it('shows an empty file as complete rather than dividing by zero', () => {
    const state = initialTrayState(status(), [job({ size: 0 })])
    expect(uploadLine(state.uploads)).toBe('backup-2026-11-20.tar.xz: 100%')
  })
})

describe('tray tooltip and icon', () => {
  it('names the app and the status, within Windows tooltip length', () => {
    expect(trayTooltip(initialTrayState(status(), []))).toBe(
      'Fermentrack Backup Companion\nUp to date, watching for new backups',
    )
    const long = trayTooltip(initialTrayState(status({ tray: 'error', lastError: ERROR }), []))
    expect(long.length).toBeLessThanOrEqual(127)
    expect(long.endsWith('…')).toBe(true)
  })

  it('uses template images on macOS and colour icons elsewhere', () => {
    expect(trayIconFile('uploading', 'darwin')).toBe('tray-uploadingTemplate.png')
    expect(trayIconFile('error', 'win32')).toBe('tray-error.png')
    expect(trayIconFile('paused', 'linux')).toBe('tray-paused.png')
  })
})
