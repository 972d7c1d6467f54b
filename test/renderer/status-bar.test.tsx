// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { FakeCompanion } from './fake-companion.ts'
import { makeConnection, makeStatus, SPACE_ERROR } from './fixtures.ts'
import { renderApp } from './render-app.tsx'

afterEach(cleanup)

const header = () => screen.getByRole('banner')
const ready = () => new FakeCompanion({ connections: [makeConnection()] })

describe('status bar', () => {
  it('shows idle with the watched folder', async () => {
    await renderApp(ready())
    expect(within(header()).getByText('All backups uploaded')).toBeTruthy()
    expect(within(header()).getByText('Watching /home/pi/fermentrack/backups')).toBeTruthy()
  })

  it('shows uploads in progress and the queue, live from status.changed', async () => {
    const fake = ready()
    await renderApp(fake)
    act(() =>
      fake.setStatus({
        tray: 'uploading',
        counts: { queued: 3, uploading: 2, verifying: 0, done: 12, failed: 0, cancelled: 0 },
      }),
    )
    expect(within(header()).getByText('Uploading 2 backups')).toBeTruthy()
    expect(within(header()).getByText('3 waiting')).toBeTruthy()
  })

  it('shows the last error with its fix until the next success clears it', async () => {
    const fake = ready()
    await renderApp(fake)
    const lastError = { ...SPACE_ERROR, message: `backup.tar.xz: ${SPACE_ERROR.message}` }
    act(() => fake.setStatus({ tray: 'error', lastError }))
    expect(within(header()).getByText('Needs your attention')).toBeTruthy()
    const alert = screen.getByText(lastError.message)
    expect(alert.closest('[role="alert"]')).toBeTruthy()
    expect(alert.textContent).toContain('Free up space')

    act(() => fake.setStatus({ tray: 'idle', lastError: null }))
    expect(screen.queryByText(lastError.message)).toBeNull()
  })

  it('lets the last error be hidden until a different one comes', async () => {
    const fake = ready()
    await renderApp(fake)
    act(() => fake.setStatus({ tray: 'error', lastError: SPACE_ERROR }))
    fireEvent.click(screen.getByRole('button', { name: 'Hide this message' }))
    expect(screen.queryByText(SPACE_ERROR.message)).toBeNull()
    const other = {
      code: 'network' as const,
      message: 'The storage provider could not be reached.',
    }
    act(() => fake.setStatus({ tray: 'error', lastError: other }))
    expect(screen.getByText(other.message)).toBeTruthy()
  })

  it('keeps a closed error closed in the next run (main remembers it), a new one shows', async () => {
    const fake = ready()
    fake.state.status = makeStatus({ tray: 'error', lastError: SPACE_ERROR })
    await renderApp(fake)
    fireEvent.click(screen.getByRole('button', { name: 'Hide this message' }))
    await waitFor(() => expect(fake.state.windowMemory.dismissedBanners).toHaveLength(1))
    cleanup()

    // The next run: a new window over the same memory.
    await renderApp(fake)
    await waitFor(() => expect(screen.queryByText(SPACE_ERROR.message)).toBeNull())
    const other = {
      code: 'network' as const,
      message: 'The storage provider could not be reached.',
    }
    act(() => fake.setStatus({ tray: 'error', lastError: other }))
    expect(screen.getByText(other.message)).toBeTruthy()
  })

  it('shows an unreadable watch folder', async () => {
    const fake = ready()
    fake.state.status = makeStatus({
      tray: 'error',
      watch: {
        folder: '/mnt/pi/backups',
        state: 'unavailable',
        error: {
          code: 'watch_folder_unavailable',
          message: 'The watched backups folder is missing.',
        },
      },
    })
    await renderApp(fake)
    expect(within(header()).getByText('Can’t read /mnt/pi/backups')).toBeTruthy()
  })

  it('pauses and resumes every upload from the header', async () => {
    const fake = ready()
    await renderApp(fake)
    fireEvent.click(within(header()).getByRole('button', { name: 'Pause uploads' }))
    await within(header()).findByText('Uploads paused')
    expect(fake.callsTo('uploads.pause')).toEqual([{}])

    fireEvent.click(within(header()).getByRole('button', { name: 'Resume uploads' }))
    await waitFor(() => expect(within(header()).getByText('All backups uploaded')).toBeTruthy())
    expect(fake.callsTo('uploads.resume')).toEqual([{}])
  })

  it('says nothing is backed up yet before setup, rather than a green "ready"', async () => {
    const fake = new FakeCompanion({ connections: [] })
    fake.state.status = makeStatus({ watch: { folder: null, state: 'off', error: null } })
    fake.state.settings.sources = []
    await renderApp(fake)
    expect(await within(header()).findByText('Not backing up yet')).toBeTruthy()
    expect(within(header()).getByText('No backups folder chosen')).toBeTruthy()
  })
})
