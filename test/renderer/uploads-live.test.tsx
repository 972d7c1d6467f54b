// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { FakeCompanion } from './fake-companion.ts'
import { makeConnection, makeJob } from './fixtures.ts'
import { renderApp } from './render-app.tsx'

afterEach(cleanup)

const uploading = (id: number, overrides = {}) =>
  makeJob({
    id,
    name: `backup-${id}.tar.xz`,
    state: 'uploading',
    size: 48_200_000,
    bytesDone: 0,
    remotePath: null,
    finishedAt: null,
    bytesPerSecond: null,
    ...overrides,
  })

const transfers = () => screen.getByRole('region', { name: 'Uploading now' })

describe('live transfers', () => {
  it('shows progress, speed and time left from uploads.progress', async () => {
    const fake = new FakeCompanion({ connections: [makeConnection()], active: [uploading(7)] })
    await renderApp(fake)
    const bar = within(transfers()).getByRole('progressbar', { name: 'Upload of backup-7.tar.xz' })
    expect(within(transfers()).getByText('to Dropbox · Bob Brewer')).toBeTruthy()

    act(() =>
      fake.emit('uploads.progress', {
        jobId: 7,
        bytesDone: 31_400_000,
        size: 48_200_000,
        bytesPerSecond: 2_100_000,
        etaSeconds: 8,
      }),
    )
    expect(bar.getAttribute('value')).toBe('31400000')
    expect(bar.getAttribute('max')).toBe('48200000')
    expect(
      within(transfers()).getByText('31.4 MB of 48.2 MB · 2.10 MB/s · about 8 s left'),
    ).toBeTruthy()

    act(() =>
      fake.emit('uploads.progress', {
        jobId: 7,
        bytesDone: 46_000_000,
        size: 48_200_000,
        bytesPerSecond: 2_000_000,
        etaSeconds: 1,
      }),
    )
    expect(
      within(transfers()).getByText('46.0 MB of 48.2 MB · 2.00 MB/s · a few seconds left'),
    ).toBeTruthy()
  })

  it('adds jobs that start, shows checking, and drops jobs that finish', async () => {
    const fake = new FakeCompanion({ connections: [makeConnection()] })
    await renderApp(fake)
    expect(within(transfers()).getByText(/Nothing uploading right now/)).toBeTruthy()

    act(() => fake.emit('uploads.job', uploading(8)))
    expect(within(transfers()).getByText('backup-8.tar.xz')).toBeTruthy()
    expect(within(transfers()).getByText(/starting/)).toBeTruthy()

    act(() => fake.emit('uploads.job', uploading(8, { state: 'verifying' })))
    expect(within(transfers()).getByText('Checking the uploaded copy…')).toBeTruthy()

    act(() => fake.emit('uploads.job', makeJob({ id: 8, name: 'backup-8.tar.xz', state: 'done' })))
    expect(within(transfers()).queryByText('backup-8.tar.xz')).toBeNull()
    expect(within(transfers()).getByText(/Nothing uploading right now/)).toBeTruthy()
  })

  it('cancels one upload', async () => {
    const fake = new FakeCompanion({ connections: [makeConnection()], active: [uploading(9)] })
    await renderApp(fake)
    fireEvent.click(
      within(transfers()).getByRole('button', { name: 'Cancel upload of backup-9.tar.xz' }),
    )
    await waitFor(() => expect(fake.callsTo('uploads.cancel')).toEqual([{ jobId: 9 }]))
  })

  it('reserves room for the uploads it may run, so the history does not jump', async () => {
    const fake = new FakeCompanion({ connections: [makeConnection()] })
    await renderApp(fake)
    const slots = transfers().querySelector('.transfer-slots') as HTMLElement
    expect(slots.style.getPropertyValue('--slots')).toBe('2')
    act(() => fake.emit('uploads.job', uploading(10)))
    expect(slots.style.getPropertyValue('--slots')).toBe('2')
  })

  it('says how many wait, and that they wait for Resume when paused', async () => {
    const fake = new FakeCompanion({ connections: [makeConnection()] })
    await renderApp(fake)
    act(() =>
      fake.setStatus({
        paused: ['*'],
        tray: 'paused',
        counts: { queued: 5, uploading: 0, verifying: 0, done: 1, failed: 0, cancelled: 0 },
      }),
    )
    expect(within(transfers()).getByText('5 waiting (paused)')).toBeTruthy()
    expect(within(transfers()).getByText(/Uploads are paused/)).toBeTruthy()
  })
})
