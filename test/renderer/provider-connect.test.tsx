// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { FakeCompanion } from './fake-companion.ts'
import {
  makeConnection,
  makeLoginFlowProvider,
  makePasswordProvider,
  makeProviders,
} from './fixtures.ts'
import { renderApp } from './render-app.tsx'

afterEach(cleanup)

async function openConnections(fake: FakeCompanion) {
  await renderApp(fake)
  fireEvent.click(screen.getByRole('tab', { name: /Connections/ }))
  return screen.getByRole('tabpanel', { name: /Connections/ })
}

const input = (card: HTMLElement, label: string) =>
  within(card).getByLabelText(label) as HTMLInputElement
const button = (card: HTMLElement, name: string) =>
  within(card).getByRole('button', { name }) as HTMLButtonElement

describe('connecting a provider that takes fields', () => {
  it('builds the form from the provider’s connect fields; Test checks without connecting', async () => {
    const fake = new FakeCompanion({ providers: [...makeProviders(), makePasswordProvider()] })
    await openConnections(fake)
    const card = screen.getByRole('article', { name: 'WebDAV' })
    expect(input(card, 'Server URL').type).toBe('url')
    expect(input(card, 'Password').type).toBe('password')
    expect(within(card).getByText('https://…')).toBeTruthy()
    expect(button(card, 'Test connection').disabled).toBe(true)
    expect(button(card, 'Connect WebDAV').disabled).toBe(true)

    fireEvent.change(input(card, 'Server URL'), { target: { value: 'https://dav.example.org/' } })
    fireEvent.change(input(card, 'User name'), { target: { value: 'bob' } })
    fireEvent.change(input(card, 'Password'), { target: { value: 'hunter2' } })
    fireEvent.click(button(card, 'Test connection'))
    await within(card).findByText(/The connection works: signed in as bob/)
    expect(fake.callsTo('connections.test')).toEqual([
      {
        provider: 'webdav',
        fields: { url: 'https://dav.example.org/', username: 'bob', password: 'hunter2' },
      },
    ])
    expect(fake.callsTo('connections.connect')).toEqual([])
  })

  it('connects with the fields, then forgets the typed password', async () => {
    const fake = new FakeCompanion({ providers: [...makeProviders(), makePasswordProvider()] })
    const connection = makeConnection({
      id: 'webdav-1',
      provider: 'webdav',
      account: { id: 'bob', name: 'bob', email: '' },
      config: { url: 'https://dav.example.org/', username: 'bob' },
      space: null,
    })
    fake.respond('connections.connect', () => {
      fake.state.connections = [connection]
      fake.emit('connections.changed', fake.state.connections)
      return { ok: true, value: { signInId: 's1', authorizeUrl: null, connection } }
    })
    await openConnections(fake)
    const card = screen.getByRole('article', { name: 'WebDAV' })
    fireEvent.change(input(card, 'Server URL'), { target: { value: 'https://dav.example.org/' } })
    fireEvent.change(input(card, 'User name'), { target: { value: 'bob' } })
    fireEvent.change(input(card, 'Password'), { target: { value: 'hunter2' } })
    fireEvent.click(button(card, 'Connect WebDAV'))

    const account = await screen.findByRole('article', { name: 'WebDAV account bob' })
    expect(within(account).getByRole('heading', { name: 'bob' })).toBeTruthy()
    expect(fake.callsTo('connections.connect')).toEqual([
      {
        provider: 'webdav',
        fields: { url: 'https://dav.example.org/', username: 'bob', password: 'hunter2' },
      },
    ])
    await screen.findByText('WebDAV connected')
    await waitFor(() => expect(input(card, 'Password').value).toBe(''))
    expect(document.body.innerHTML).not.toContain('hunter2')
  })

  it('shows the provider’s reason when it refuses, and keeps what was typed to correct it', async () => {
    const fake = new FakeCompanion({ providers: [...makeProviders(), makePasswordProvider()] })
    fake.fail(
      'connections.connect',
      'invalid_credentials',
      'The server refused the user name or password. Check them and connect again.',
    )
    await openConnections(fake)
    const card = screen.getByRole('article', { name: 'WebDAV' })
    fireEvent.change(input(card, 'Server URL'), { target: { value: 'https://dav.example.org/' } })
    fireEvent.change(input(card, 'User name'), { target: { value: 'bob' } })
    fireEvent.change(input(card, 'Password'), { target: { value: 'wrong' } })
    fireEvent.click(button(card, 'Connect WebDAV'))
    await within(card).findByText(/The server refused the user name or password/)
    expect(input(card, 'User name').value).toBe('bob')
    expect(screen.queryByRole('article', { name: /WebDAV account/ })).toBeNull()
  })

  it('reconnects a password connection on its card, filled with all but the password', async () => {
    const fake = new FakeCompanion({
      providers: [...makeProviders(), makePasswordProvider()],
      connections: [
        makeConnection({
          id: 'webdav-1',
          provider: 'webdav',
          status: 'needs_reauth',
          account: { id: 'bob', name: 'bob', email: '' },
          config: { url: 'https://dav.example.org/', username: 'bob', userId: 'x' },
        }),
      ],
    })
    await openConnections(fake)
    const account = screen.getByRole('article', { name: 'WebDAV account bob' })
    fireEvent.click(button(account, 'Reconnect bob'))
    expect(input(account, 'Server URL').value).toBe('https://dav.example.org/')
    expect(input(account, 'User name').value).toBe('bob')
    expect(input(account, 'Password').value).toBe('')
    expect(button(account, 'Reconnect').disabled).toBe(true)
  })
})

describe('connecting a login-flow provider', () => {
  it('asks for the server, then waits for the login in the browser, with the page to copy', async () => {
    const fake = new FakeCompanion({ providers: [...makeProviders(), makeLoginFlowProvider()] })
    await openConnections(fake)
    const card = screen.getByRole('article', { name: 'Nextcloud' })
    fireEvent.change(input(card, 'Server URL'), { target: { value: 'https://cloud.example.org' } })
    fireEvent.click(button(card, 'Connect Nextcloud'))
    await within(card).findByText('Waiting for you to log in to Nextcloud in your browser…')
    expect(fake.callsTo('connections.connect')).toEqual([
      { provider: 'nextcloud', fields: { url: 'https://cloud.example.org' } },
    ])
    expect(within(card).queryByRole('button', { name: 'Paste a code instead' })).toBeNull()
    expect(within(card).queryByRole('button', { name: 'Test connection' })).toBeNull()
    // Another provider's card is not the one waiting.
    const dropbox = screen.getByRole('article', { name: 'Dropbox' })
    expect(within(dropbox).queryByText(/Waiting for you/)).toBeNull()
  })
})
