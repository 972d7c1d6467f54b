// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { nextChangeIn, relativeTime } from '../../src/renderer/health/relative-time.ts'
import type { HealthView } from '../../src/shared/ipc-contract.ts'
import { FakeCompanion } from './fake-companion.ts'
import { renderApp } from './render-app.tsx'

afterEach(() => {
  cleanup()
  vi.useRealTimers()
})

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const NOW = Date.UTC(2026, 11, 6, 12)

const QUIET: HealthView = {
  alerts: [
    {
      key: 'watch-folder',
      severity: 'warning',
      message: "No new Fermentrack backup for 3 days: check that Fermentrack's backups are on.",
    },
  ],
  lastBackupAt: NOW - 3 * DAY,
  checkedAt: NOW,
}

describe('relativeTime', () => {
  it.each([
    [0, 'just now'],
    [59_000, 'just now'],
    [MINUTE, '1 minute ago'],
    [59 * MINUTE, '59 minutes ago'],
    [2 * HOUR + 5 * MINUTE, '2 hours ago'],
    [DAY - 1, '23 hours ago'],
    [DAY, '1 day ago'],
    [3 * DAY + 20 * HOUR, '3 days ago'],
  ])('%i ms ago is "%s"', (ago, words) => {
    expect(relativeTime(NOW - ago, NOW)).toBe(words)
  })

  it('says "just now" for a clock a little behind the upload', () => {
    expect(relativeTime(NOW + 5000, NOW)).toBe('just now')
  })

  it('knows when its words next change', () => {
    expect(nextChangeIn(NOW - 90_000, NOW)).toBe(30_000)
    expect(nextChangeIn(NOW - (2 * HOUR + 5 * MINUTE), NOW)).toBe(55 * MINUTE)
    expect(nextChangeIn(NOW - (DAY + HOUR), NOW)).toBe(23 * HOUR)
  })
})

describe('health in the window', () => {
  it('shows a banner naming the cause and the fix, and drops it when the silence ends', async () => {
    const fake = new FakeCompanion({ health: QUIET })
    await renderApp(fake)
    expect(await screen.findByText(QUIET.alerts[0]!.message)).toBeTruthy()
    expect(screen.getByText('Backups have gone quiet')).toBeTruthy()

    act(() => fake.emit('health.changed', { ...QUIET, alerts: [] }))
    expect(screen.queryByText(QUIET.alerts[0]!.message)).toBeNull()
  })

  it('names each stale destination in its own banner, which the user can hide', async () => {
    const behind = {
      key: 'destination:local',
      severity: 'warning' as const,
      message: 'Nothing reached Local or NAS folder for 2 days: check the upload history.',
    }
    const fake = new FakeCompanion({ health: { ...QUIET, alerts: [...QUIET.alerts, behind] } })
    await renderApp(fake)
    await screen.findByText(behind.message)
    expect(screen.getAllByText('Backups have gone quiet')).toHaveLength(2)
    const hide = screen.getAllByRole('button', { name: 'Hide this message' })
    fireEvent.click(hide[1]!)
    expect(screen.queryByText(behind.message)).toBeNull()
    expect(screen.getByText(QUIET.alerts[0]!.message)).toBeTruthy()
  })

  it('says when the last backup was in the Uploads header, and keeps it current', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['Date', 'setTimeout', 'clearTimeout'] })
    vi.setSystemTime(NOW)
    const fake = new FakeCompanion({
      health: { alerts: [], lastBackupAt: NOW - 59 * MINUTE, checkedAt: NOW },
    })
    await renderApp(fake)
    expect((await screen.findByText(/^Last backup/)).textContent).toBe('Last backup 59 minutes ago')
    await act(async () => {
      await vi.advanceTimersByTimeAsync(MINUTE)
    })
    expect(screen.getByText(/^Last backup/).textContent).toBe('Last backup 1 hour ago')

    act(() => fake.emit('health.changed', { alerts: [], lastBackupAt: Date.now(), checkedAt: 0 }))
    expect(screen.getByText(/^Last backup/).textContent).toBe('Last backup just now')
  })

  it('says so before the first verified backup', async () => {
    await renderApp(new FakeCompanion())
    expect(await screen.findByText('No verified backup yet')).toBeTruthy()
  })
})
