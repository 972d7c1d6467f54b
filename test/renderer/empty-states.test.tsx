// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { FakeCompanion } from './fake-companion.ts'
import { makeConnection, makeHistory, makeSettings } from './fixtures.ts'
import { renderApp } from './render-app.tsx'

afterEach(cleanup)

const checklist = () => screen.queryByRole('region', { name: 'Finish setting up' })

describe('empty states', () => {
  it('with no storage, says to connect and leads to Connections', async () => {
    const fake = new FakeCompanion({ connections: [] })
    await renderApp(fake)
    const steps = await screen.findByRole('region', { name: 'Finish setting up' })
    expect(within(steps).getByText(/so backups have somewhere to go/)).toBeTruthy()
    fireEvent.click(within(steps).getByRole('button', { name: 'Connect storage' }))
    expect(screen.getByRole('tab', { name: /Connections/ }).getAttribute('aria-selected')).toBe(
      'true',
    )
  })

  it('with no watched folder, offers the folder picker and saves the choice', async () => {
    const fake = new FakeCompanion({
      connections: [makeConnection()],
      settings: makeSettings({ sources: [] }),
      chosenFolder: '/home/pi/fermentrack/backups',
    })
    await renderApp(fake)
    const steps = await screen.findByRole('region', { name: 'Finish setting up' })
    expect(within(steps).getByText('Storage is connected.')).toBeTruthy()
    fireEvent.click(within(steps).getByRole('button', { name: /Choose folder/ }))
    await waitFor(() =>
      expect(fake.callsTo('settings.update')).toEqual([{ sources: makeSettings().sources }]),
    )
    await waitFor(() => expect(checklist()).toBeNull())
  })

  it('counts a local folder as storage', async () => {
    await renderApp(
      new FakeCompanion({
        connections: [],
        settings: makeSettings({ localDestination: '/mnt/nas' }),
      }),
    )
    await screen.findByText('No backups uploaded yet')
    expect(checklist()).toBeNull()
  })

  it('with everything set and nothing uploaded, says to drop a file or wait for Fermentrack', async () => {
    await renderApp(new FakeCompanion({ connections: [makeConnection()] }))
    await screen.findByText('No backups uploaded yet')
    expect(
      screen.getByText(/Drop a backup file anywhere in this window, or wait for Fermentrack/),
    ).toBeTruthy()
    expect(checklist()).toBeNull()
    expect(screen.queryByRole('grid')).toBeNull()
  })

  it('shows the history, not an empty state, once something was uploaded', async () => {
    await renderApp(new FakeCompanion({ connections: [makeConnection()], history: makeHistory(2) }))
    expect(await screen.findByRole('grid', { name: 'Upload history' })).toBeTruthy()
    expect(screen.queryByText('No backups uploaded yet')).toBeNull()
  })

  it('says what is wrong when the history cannot be read', async () => {
    const fake = new FakeCompanion({ connections: [makeConnection()] })
    fake.fail(
      'uploads.history',
      'settings_unreadable',
      'The settings file could not be read or written. Check that the settings folder (FTB_HOME) exists and belongs to your user.',
    )
    await renderApp(fake)
    expect(await screen.findByText(/Check that the settings folder/)).toBeTruthy()
  })
})
