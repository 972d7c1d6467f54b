// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { FakeCompanion } from './fake-companion.ts'
import { makeConnection, makeProviders } from './fixtures.ts'
import { renderApp } from './render-app.tsx'

afterEach(cleanup)

async function openConnections(fake: FakeCompanion) {
  await renderApp(fake)
  fireEvent.click(screen.getByRole('tab', { name: /Connections/ }))
  return screen.getByRole('tabpanel', { name: /Connections/ })
}

const card = (name: string) => screen.getByRole('article', { name })

describe('connections list', () => {
  it('offers Connect for an enabled Dropbox with no account yet', async () => {
    const panel = await openConnections(new FakeCompanion())
    expect(within(panel).getByText('Choose where backups go')).toBeTruthy()
    const dropbox = card('Dropbox')
    expect(within(dropbox).getByRole('button', { name: 'Connect Dropbox' })).toBeTruthy()
    expect(within(dropbox).queryByText(/DROPBOX_APP_KEY/)).toBeNull()
  })

  it('lists a provider that is not set up with its reason, and takes the user to its settings', async () => {
    const fake = new FakeCompanion({ providers: makeProviders(false) })
    await openConnections(fake)
    expect(screen.queryByRole('button', { name: 'Connect Dropbox' })).toBeNull()
    const pending = screen.getByRole('group', { name: 'Not set up yet' })
    expect(within(pending).getByText('Dropbox needs an app key.')).toBeTruthy()

    fireEvent.click(within(pending).getByRole('button', { name: 'Set up in Settings' }))
    expect(await screen.findByRole('heading', { name: 'Storage providers' })).toBeTruthy()
    expect(screen.getByRole('tab', { name: /Settings/ }).getAttribute('aria-selected')).toBe('true')
  })

  it('shows a connected account with its email and space used out of allocated', async () => {
    await openConnections(new FakeCompanion({ connections: [makeConnection()] }))
    const account = card('Dropbox account Bob Brewer')
    expect(within(account).getByText('Connected')).toBeTruthy()
    expect(within(account).getByText('Dropbox · bob@homebrew.example')).toBeTruthy()
    const meter = within(account).getByRole('meter', { name: '400 GB of 2.00 TB used' })
    expect(meter.getAttribute('value')).toBe('400000000000')
    expect(meter.getAttribute('max')).toBe('2000000000000')
  })

  it('flags an account that needs signing in again, and Reconnect starts a sign-in for it', async () => {
    const fake = new FakeCompanion({
      connections: [makeConnection({ status: 'needs_reauth' })],
    })
    await openConnections(fake)
    const account = card('Dropbox account Bob Brewer')
    expect(within(account).getByText('Sign-in expired')).toBeTruthy()
    fireEvent.click(within(account).getByRole('button', { name: 'Reconnect Bob Brewer' }))
    await within(account).findByText(/Waiting for you to choose/)
    expect(fake.callsTo('connections.connect')).toEqual([{ provider: 'dropbox' }])
  })

  it('says which Dropbox permission is missing, and Reconnect starts a sign-in for it', async () => {
    const fake = new FakeCompanion({
      connections: [makeConnection({ status: 'missing_permission' })],
    })
    await openConnections(fake)
    const account = card('Dropbox account Bob Brewer')
    expect(within(account).getByText('Permission missing')).toBeTruthy()
    expect(
      within(account).getByText(
        'Dropbox permission missing: enable files.content.write in the App Console, then reconnect.',
      ),
    ).toBeTruthy()
    fireEvent.click(within(account).getByRole('button', { name: 'Reconnect Bob Brewer' }))
    await within(account).findByText(/Waiting for you to choose/)
    expect(fake.callsTo('connections.connect')).toEqual([{ provider: 'dropbox' }])
  })

  it('shows a reconnect banner on the other sections that leads to the sign-in', async () => {
    const fake = new FakeCompanion({
      connections: [makeConnection({ status: 'needs_reauth' })],
    })
    await renderApp(fake)
    const banner = screen
      .getByText('Sign in to Dropbox again (Bob Brewer)')
      .closest('[role="alert"]')
    expect(banner).toBeTruthy()
    fireEvent.click(within(banner as HTMLElement).getByRole('button', { name: 'Reconnect' }))
    expect(screen.getByRole('tab', { name: /Connections/ }).getAttribute('aria-selected')).toBe(
      'true',
    )
    await within(card('Dropbox account Bob Brewer')).findByText(/Waiting for you to choose/)
  })

  it('pauses and resumes uploads to one account', async () => {
    const fake = new FakeCompanion({ connections: [makeConnection()] })
    await openConnections(fake)
    fireEvent.click(screen.getByRole('button', { name: 'Pause uploads to Bob Brewer' }))
    await screen.findByRole('button', { name: 'Resume uploads to Bob Brewer' })
    expect(fake.callsTo('uploads.pause')).toEqual([{ connectionId: 'dbx-1' }])
    expect(within(card('Dropbox account Bob Brewer')).getByText('Paused')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Resume uploads to Bob Brewer' }))
    await screen.findByRole('button', { name: 'Pause uploads to Bob Brewer' })
    expect(fake.callsTo('uploads.resume')).toEqual([{ connectionId: 'dbx-1' }])
  })

  it('chooses a local or NAS folder as a destination', async () => {
    const fake = new FakeCompanion({ chosenFolder: '/mnt/nas/brewery' })
    await openConnections(fake)
    fireEvent.click(
      within(card('Local or NAS folder')).getByRole('button', { name: 'Choose folder…' }),
    )
    await within(card('Local or NAS folder')).findByText('/mnt/nas/brewery')
    expect(fake.callsTo('settings.update')).toEqual([{ localDestination: '/mnt/nas/brewery' }])
  })
})

describe('disconnect', () => {
  it('asks in an in-app dialog, with Cancel focused, and does nothing on Cancel', async () => {
    const fake = new FakeCompanion({ connections: [makeConnection()] })
    await openConnections(fake)
    const opener = screen.getByRole('button', { name: 'Disconnect Bob Brewer…' })
    opener.focus()
    fireEvent.click(opener)
    const dialog = screen.getByRole('alertdialog', { name: 'Disconnect Bob Brewer?' })
    expect(within(dialog).getByText(/Backups already there stay there/)).toBeTruthy()
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }))

    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(document.activeElement).toBe(opener)
    expect(fake.callsTo('connections.disconnect')).toEqual([])
  })

  it('closes on Escape without disconnecting', async () => {
    const fake = new FakeCompanion({ connections: [makeConnection()] })
    await openConnections(fake)
    fireEvent.click(screen.getByRole('button', { name: 'Disconnect Bob Brewer…' }))
    const dialog = screen.getByRole('alertdialog')
    fireEvent(dialog, new Event('cancel', { cancelable: true }))
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(fake.callsTo('connections.disconnect')).toEqual([])
  })

  it('disconnects once confirmed and the account leaves the list', async () => {
    const fake = new FakeCompanion({ connections: [makeConnection()] })
    await openConnections(fake)
    fireEvent.click(screen.getByRole('button', { name: 'Disconnect Bob Brewer…' }))
    fireEvent.click(
      within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Disconnect' }),
    )
    await screen.findByText('Disconnected Bob Brewer')
    expect(fake.callsTo('connections.disconnect')).toEqual([{ id: 'dbx-1' }])
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(screen.queryByRole('article', { name: 'Dropbox account Bob Brewer' })).toBeNull()
  })

  it('says where to revoke the access when Dropbox could not be reached to revoke it', async () => {
    const fake = new FakeCompanion({ connections: [makeConnection()] })
    const warning = {
      code: 'not_revoked' as const,
      message: 'Removed here, but not revoked. Open Settings → Connected apps on dropbox.com.',
    }
    fake.respond('connections.disconnect', (input) => {
      void fake.defaultAnswer('connections.disconnect', input)
      return { ok: true, value: { warning } }
    })
    await openConnections(fake)
    fireEvent.click(screen.getByRole('button', { name: 'Disconnect Bob Brewer…' }))
    fireEvent.click(
      within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Disconnect' }),
    )
    await screen.findByText('Disconnected Bob Brewer here; Dropbox could not be reached')
    expect(screen.getByText(warning.message)).toBeTruthy()
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(screen.queryByRole('article', { name: 'Dropbox account Bob Brewer' })).toBeNull()
  })

  it('keeps the dialog open with the error when disconnecting fails', async () => {
    const fake = new FakeCompanion({ connections: [makeConnection()] })
    fake.fail(
      'connections.disconnect',
      'network',
      'The storage provider could not be reached. Check the internet connection (and proxy settings); the app retries by itself.',
    )
    await openConnections(fake)
    fireEvent.click(screen.getByRole('button', { name: 'Disconnect Bob Brewer…' }))
    const dialog = screen.getByRole('alertdialog')
    fireEvent.click(within(dialog).getByRole('button', { name: 'Disconnect' }))
    expect(await within(dialog).findByText(/Check the internet connection/)).toBeTruthy()
    expect(screen.getByRole('article', { name: 'Dropbox account Bob Brewer' })).toBeTruthy()
  })

  it('follows connections.changed from elsewhere (the tray, the CLI)', async () => {
    const fake = new FakeCompanion()
    await openConnections(fake)
    act(() => fake.emit('connections.changed', [makeConnection()]))
    expect(screen.getByRole('article', { name: 'Dropbox account Bob Brewer' })).toBeTruthy()
  })
})
