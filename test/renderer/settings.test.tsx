// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { FakeCompanion } from './fake-companion.ts'
import { makeConnection, makeSettings } from './fixtures.ts'
import { openSettings } from './render-app.tsx'

afterEach(cleanup)

/** The source makeSettings starts with, as a migrated single watch folder looks. */
const FERMENTRACK = makeSettings().sources[0]!

/** The source "Add another Fermentrack" saves, with the picker's /srv/pi-2 as its folder. */
function secondSource(change: { label?: string; destinations?: string[] }) {
  const label = change.label ?? 'Brewhouse 2'
  return {
    id: 'brewhouse-2',
    label,
    folder: '/srv/pi-2',
    remoteSubfolder: label.replace(':', '-'),
    destinations: change.destinations ?? null,
  }
}

/** Picks the folder of the source named `name` (the picker answers `folder`), then saves. */
async function chooseAndSave(name: string, folder: string) {
  fireEvent.click(screen.getByRole('button', { name: `Choose the backups folder of ${name}…` }))
  await screen.findByText(folder)
  fireEvent.click(saveButton())
  await screen.findByText('Saved')
}

const row = (name: string) => screen.getByRole('listitem', { name })
const inRow = (name: string, label: string) =>
  within(row(name)).getByLabelText(label) as HTMLInputElement

const input = (label: string | RegExp) => screen.getByLabelText(label) as HTMLInputElement
const saveButton = () => screen.getByRole('button', { name: 'Save changes' }) as HTMLButtonElement

describe('settings', () => {
  it('shows the saved settings', async () => {
    await openSettings()
    expect(screen.getByText('/home/pi/fermentrack/backups')).toBeTruthy()
    expect(input('Backup file names').value).toBe('*.tar.xz, *.zip')
    expect(input('Remote folder').value).toBe('/Fermentrack Backups')
    expect((screen.getByLabelText('Uploads at once') as HTMLSelectElement).value).toBe('2')
    expect((screen.getByRole('radio', { name: 'Every upload' }) as HTMLInputElement).checked).toBe(
      true,
    )
    expect(
      (screen.getByRole('switch', { name: 'Start at login' }) as HTMLInputElement).checked,
    ).toBe(false)
    expect(saveButton().disabled).toBe(true)
  })

  it('saves only what changed and says so', async () => {
    const fake = await openSettings()
    fireEvent.change(input('Remote folder'), { target: { value: '/Brewery/Backups' } })
    fireEvent.change(screen.getByLabelText('Uploads at once'), { target: { value: '4' } })
    fireEvent.click(screen.getByRole('radio', { name: 'Only problems' }))
    fireEvent.click(screen.getByRole('switch', { name: 'Start at login' }))
    fireEvent.click(screen.getByRole('switch', { name: 'Weekly restore check' }))
    fireEvent.change(input('Backup file names'), { target: { value: '*.tar.xz , , *.tgz' } })
    expect(screen.getByText('You have unsaved changes.')).toBeTruthy()

    fireEvent.click(saveButton())
    await screen.findByText('Saved')
    expect(fake.callsTo('settings.update')).toEqual([
      {
        patterns: ['*.tar.xz', '*.tgz'],
        remoteFolder: '/Brewery/Backups',
        concurrency: 4,
        notifications: 'errors',
        startAtLogin: true,
        verifySchedule: 'weekly',
      },
    ])
    expect(input('Backup file names').value).toBe('*.tar.xz, *.tgz')
    expect(saveButton().disabled).toBe(true)
  })

  it('checks fields as they are typed and will not save an invalid one', async () => {
    const fake = await openSettings()
    fireEvent.change(input('Remote folder'), { target: { value: 'Backups/' } })
    const field = input('Remote folder')
    expect(field.getAttribute('aria-invalid')).toBe('true')
    const errorId = field.getAttribute('aria-describedby')?.split(' ').at(-1) ?? ''
    expect(document.getElementById(errorId)?.textContent).toMatch(/Start with “\/”/)
    expect(saveButton().disabled).toBe(true)

    fireEvent.change(input('Backup file names'), { target: { value: ' , ' } })
    expect(screen.getByText(/Add at least one name pattern/)).toBeTruthy()
    fireEvent.submit(field.closest('form') as HTMLFormElement)
    expect(fake.callsTo('settings.update')).toEqual([])
  })

  it('shows the error settings.update returns', async () => {
    const fake = new FakeCompanion({ connections: [makeConnection()] })
    fake.fail(
      'settings.update',
      'settings_unreadable',
      'The settings file could not be read or written. Check that the settings folder (FTB_HOME) exists and belongs to your user.',
    )
    await openSettings(fake)
    fireEvent.change(input('Remote folder'), { target: { value: '/Elsewhere' } })
    fireEvent.click(saveButton())
    const alert = await screen.findByText(/The settings file could not be read or written/)
    expect(alert.closest('[role="alert"]')).toBeTruthy()
    expect(input('Remote folder').value).toBe('/Elsewhere')
  })

  it("chooses a Fermentrack's backups folder with the system picker", async () => {
    const fake = new FakeCompanion({ connections: [makeConnection()], chosenFolder: '/srv/ferm' })
    await openSettings(fake)
    await chooseAndSave('Fermentrack', '/srv/ferm')
    expect(fake.callsTo('settings.update')).toEqual([
      { sources: [{ ...FERMENTRACK, folder: '/srv/ferm' }] },
    ])
  })

  it('sets and clears the local copy folder', async () => {
    const fake = new FakeCompanion({
      connections: [makeConnection()],
      settings: makeSettings({ localDestination: '/mnt/nas' }),
    })
    await openSettings(fake)
    fireEvent.click(screen.getByRole('button', { name: 'Clear the folder to copy backups to' }))
    fireEvent.click(saveButton())
    await screen.findByText('Saved')
    expect(fake.callsTo('settings.update')).toEqual([{ localDestination: null }])
  })

  it('discards edits', async () => {
    await openSettings()
    fireEvent.change(input('Remote folder'), { target: { value: '/Other' } })
    fireEvent.click(screen.getByRole('button', { name: 'Discard' }))
    expect(input('Remote folder').value).toBe('/Fermentrack Backups')
  })

  it('saves with Ctrl+S', async () => {
    const fake = await openSettings()
    fireEvent.change(input('Remote folder'), { target: { value: '/Keyboard' } })
    fireEvent.keyDown(input('Remote folder'), { key: 's', ctrlKey: true })
    await screen.findByText('Saved')
    expect(fake.callsTo('settings.update')).toEqual([{ remoteFolder: '/Keyboard' }])
  })

  it('follows changes made elsewhere without losing the user’s edits', async () => {
    const fake = await openSettings()
    fireEvent.change(input('Remote folder'), { target: { value: '/Mine' } })
    act(() =>
      fake.emit('settings.changed', makeSettings({ concurrency: 6, remoteFolder: '/Theirs' })),
    )
    expect((screen.getByLabelText('Uploads at once') as HTMLSelectElement).value).toBe('6')
    expect(input('Remote folder').value).toBe('/Mine')
  })

  it('pauses automatic uploads at once, outside Save', async () => {
    const fake = await openSettings()
    const toggle = screen.getByRole('switch', { name: 'Automatic uploads' }) as HTMLInputElement
    expect(toggle.checked).toBe(true)
    fireEvent.click(toggle)
    await waitFor(() => expect(fake.callsTo('uploads.pause')).toEqual([{}]))
    await waitFor(() =>
      expect(
        (screen.getByRole('switch', { name: 'Automatic uploads' }) as HTMLInputElement).checked,
      ).toBe(false),
    )
    expect(within(screen.getByRole('banner')).getByText('Uploads paused')).toBeTruthy()
    expect(fake.callsTo('settings.update')).toEqual([])
  })
})

describe('backups folder', () => {
  it('looks for new backups on request', async () => {
    const fake = await openSettings()
    fireEvent.click(screen.getByRole('button', { name: 'Look for new backups now' }))
    await screen.findByText('Looking for new backups')
    expect(fake.callsTo('uploads.scanNow')).toEqual([undefined])
  })

  it('shows why the watched folder cannot be read, with the fix', async () => {
    const fake = new FakeCompanion({ connections: [makeConnection()] })
    const message =
      'The watched backups folder is missing or cannot be read. Create or mount the folder, or choose another one (`--dir`, or the Fermentrack in Settings or `sources`); watching resumes by itself.'
    fake.state.status = {
      ...fake.state.status,
      tray: 'error',
      watch: {
        folder: '/home/pi/fermentrack/backups',
        state: 'unavailable',
        error: { code: 'watch_folder_unavailable', message },
      },
    }
    await openSettings(fake)
    const panel = screen.getByRole('tabpanel', { name: /Settings/ })
    expect(within(panel).getByText(message)).toBeTruthy()
  })
})

describe('several Fermentracks', () => {
  it('adds another: named Brewhouse 2, its remote subfolder from its name, its folder from the picker', async () => {
    const fake = new FakeCompanion({ connections: [makeConnection()], chosenFolder: '/srv/pi-2' })
    await openSettings(fake)
    fireEvent.click(screen.getByRole('button', { name: 'Add another Fermentrack' }))
    expect(inRow('Brewhouse 2', 'Name').value).toBe('Brewhouse 2')
    expect(inRow('Brewhouse 2', 'Remote subfolder').value).toBe('Brewhouse 2')
    // No folder yet: said in the row, and nothing can be saved.
    expect(within(row('Brewhouse 2')).getByText(/Choose the folder this Fermentrack/)).toBeTruthy()
    expect(saveButton().disabled).toBe(true)

    fireEvent.change(inRow('Brewhouse 2', 'Name'), { target: { value: 'Test Pi: cellar' } })
    expect(inRow('Test Pi: cellar', 'Remote subfolder').value).toBe('Test Pi- cellar')
    await chooseAndSave('Test Pi: cellar', '/srv/pi-2')
    expect(fake.callsTo('settings.update')).toEqual([
      { sources: [FERMENTRACK, secondSource({ label: 'Test Pi: cellar' })] },
    ])
  })

  it('with none yet, the first one added is "Fermentrack", straight into the remote folder', async () => {
    const fake = new FakeCompanion({
      connections: [makeConnection()],
      settings: makeSettings({ sources: [] }),
      chosenFolder: '/srv/ferm',
    })
    await openSettings(fake)
    fireEvent.click(screen.getByRole('button', { name: 'Add a Fermentrack' }))
    expect(inRow('Fermentrack', 'Remote subfolder').value).toBe('')
    await chooseAndSave('Fermentrack', '/srv/ferm')
    expect(fake.callsTo('settings.update')).toEqual([
      { sources: [{ ...FERMENTRACK, folder: '/srv/ferm' }] },
    ])
  })

  it('removes one', async () => {
    const fake = await openSettings()
    fireEvent.click(screen.getByRole('button', { name: 'Remove Fermentrack' }))
    expect(screen.queryByRole('listitem', { name: 'Fermentrack' })).toBeNull()
    fireEvent.click(saveButton())
    await screen.findByText('Saved')
    expect(fake.callsTo('settings.update')).toEqual([{ sources: [] }])
  })

  it('refuses a taken name, a shared or climbing remote subfolder, and no destination, saving nothing', async () => {
    const fake = new FakeCompanion({ connections: [makeConnection()], chosenFolder: '/srv/pi-2' })
    await openSettings(fake)
    fireEvent.click(screen.getByRole('button', { name: 'Add another Fermentrack' }))
    fireEvent.click(
      screen.getByRole('button', { name: 'Choose the backups folder of Brewhouse 2…' }),
    )
    await screen.findByText('/srv/pi-2')
    fireEvent.change(inRow('Brewhouse 2', 'Name'), { target: { value: 'fermentrack' } })
    expect(within(row('fermentrack')).getByText(/The label "fermentrack" is taken/)).toBeTruthy()
    expect(saveButton().disabled).toBe(true)
    fireEvent.change(inRow('fermentrack', 'Name'), { target: { value: 'Brewhouse 2' } })
    for (const [subfolder, message] of [
      ['', /The remote subfolder \(none\) is used by Fermentrack already/],
      ['a/../b', /must be a relative path/],
    ] as const) {
      fireEvent.change(inRow('Brewhouse 2', 'Remote subfolder'), { target: { value: subfolder } })
      expect(within(row('Brewhouse 2')).getByText(message)).toBeTruthy()
      expect(saveButton().disabled).toBe(true)
    }
    fireEvent.change(inRow('Brewhouse 2', 'Remote subfolder'), {
      target: { value: 'Brewhouse 2' },
    })
    const last = row('Brewhouse 2')
    fireEvent.click(within(last).getByRole('checkbox', { name: 'Every destination' }))
    expect(within(last).getByText('Choose at least one destination.')).toBeTruthy()
    expect(saveButton().disabled).toBe(true)
    fireEvent.submit(last.closest('form') as HTMLFormElement)
    expect(fake.callsTo('settings.update')).toEqual([])

    const connection = makeConnection()
    const only = within(last).getAllByRole('checkbox').at(-1)!
    fireEvent.click(only)
    fireEvent.click(saveButton())
    await screen.findByText('Saved')
    expect(fake.callsTo('settings.update')).toEqual([
      { sources: [FERMENTRACK, secondSource({ destinations: [connection.id] })] },
    ])
  })
})
