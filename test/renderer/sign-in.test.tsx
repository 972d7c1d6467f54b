// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { FakeCompanion } from './fake-companion.ts'
import { makeConnection } from './fixtures.ts'
import { renderApp } from './render-app.tsx'

afterEach(cleanup)

async function startSignIn(fake: FakeCompanion) {
  await renderApp(fake)
  fireEvent.click(screen.getByRole('tab', { name: /Connections/ }))
  fireEvent.click(screen.getByRole('button', { name: 'Connect Dropbox' }))
  await screen.findByText(/Waiting for you to choose/)
  return screen.getByRole('article', { name: 'Dropbox' })
}

describe('connecting Dropbox', () => {
  it('waits for the browser, with the sign-in link at hand', async () => {
    const fake = new FakeCompanion()
    const card = await startSignIn(fake)
    expect(fake.callsTo('connections.connect')).toEqual([{ provider: 'dropbox' }])
    const link = within(card).getByLabelText(/Browser didn’t open/) as HTMLInputElement
    expect(link.value).toContain('https://www.dropbox.com/oauth2/authorize')
    expect(link.readOnly).toBe(true)
    expect(within(card).queryByRole('button', { name: 'Connect Dropbox' })).toBeNull()
  })

  it('cancels the waiting sign-in, and its "cancelled" ending shows no error', async () => {
    const fake = new FakeCompanion()
    const card = await startSignIn(fake)
    fireEvent.click(within(card).getByRole('button', { name: 'Cancel sign-in' }))
    expect(fake.callsTo('connections.cancelSignIn')).toEqual([{ signInId: 'sign-in-1' }])
    expect(within(card).getByRole('button', { name: 'Connect Dropbox' })).toBeTruthy()

    act(() =>
      fake.emit('signIn.finished', {
        signInId: 'sign-in-1',
        connection: null,
        error: { code: 'authorization_denied', message: 'The sign-in was cancelled. Start again.' },
      }),
    )
    expect(screen.queryByText(/The sign-in was cancelled/)).toBeNull()
  })

  it('finishes when signIn.finished brings the connection', async () => {
    const fake = new FakeCompanion()
    const card = await startSignIn(fake)
    const connection = makeConnection()
    act(() => {
      fake.emit('signIn.finished', { signInId: 'sign-in-1', connection, error: null })
      fake.emit('connections.changed', [connection])
    })
    expect(screen.getByText('Dropbox connected')).toBeTruthy()
    expect(screen.getByText(/Signed in as Bob Brewer/)).toBeTruthy()
    expect(within(card).queryByText(/Waiting for you to choose/)).toBeNull()
    expect(screen.getByRole('article', { name: 'Dropbox account Bob Brewer' })).toBeTruthy()
  })

  it('shows why a sign-in failed, as the engine words it', async () => {
    const fake = new FakeCompanion()
    const card = await startSignIn(fake)
    const message =
      'The browser never came back with a sign-in answer. If Dropbox showed "Invalid redirect_uri", add the redirect URI printed here to your Dropbox app, exactly; or use `--redirect manual` and paste the code.'
    act(() =>
      fake.emit('signIn.finished', {
        signInId: 'sign-in-1',
        connection: null,
        error: { code: 'redirect_timeout', message },
      }),
    )
    expect(within(card).getByRole('alert').textContent).toBe(message)
    expect(within(card).getByRole('button', { name: 'Connect Dropbox' })).toBeTruthy()
  })

  it('ignores the ending of some other sign-in', async () => {
    const fake = new FakeCompanion()
    const card = await startSignIn(fake)
    act(() =>
      fake.emit('signIn.finished', {
        signInId: 'someone-else',
        connection: makeConnection(),
        error: null,
      }),
    )
    expect(within(card).getByText(/Waiting for you to choose/)).toBeTruthy()
  })

  it('shows an error from connect itself (for example another sign-in waiting)', async () => {
    const fake = new FakeCompanion()
    fake.fail(
      'connections.connect',
      'sign_in_already_waiting',
      'Another sign-in is already waiting for its answer on this computer. Finish or cancel that sign-in.',
    )
    await renderApp(fake)
    fireEvent.click(screen.getByRole('tab', { name: /Connections/ }))
    fireEvent.click(screen.getByRole('button', { name: 'Connect Dropbox' }))
    expect(await screen.findByText(/Another sign-in is already waiting/)).toBeTruthy()
  })
})

describe('paste the code instead', () => {
  it('signs in with a code: manual redirect, then submitCode, then the finished event', async () => {
    const fake = new FakeCompanion()
    await renderApp(fake)
    fireEvent.click(screen.getByRole('tab', { name: /Connections/ }))
    fireEvent.click(screen.getByRole('button', { name: 'Sign in with a code instead' }))
    const code = (await screen.findByLabelText('Code from Dropbox')) as HTMLInputElement
    expect(fake.callsTo('connections.connect')).toEqual([
      { provider: 'dropbox', redirect: 'manual' },
    ])
    expect(document.activeElement).toBe(code)

    fireEvent.change(code, { target: { value: '  AbC123-code  ' } })
    fireEvent.click(screen.getByRole('button', { name: 'Connect' }))
    await screen.findByRole('button', { name: 'Checking…' })
    expect(fake.callsTo('connections.submitCode')).toEqual([
      { signInId: 'sign-in-1', code: 'AbC123-code' },
    ])

    act(() =>
      fake.emit('signIn.finished', {
        signInId: 'sign-in-1',
        connection: makeConnection(),
        error: null,
      }),
    )
    expect(screen.getByText('Dropbox connected')).toBeTruthy()
    expect(screen.queryByLabelText('Code from Dropbox')).toBeNull()
  })

  it('switches a waiting browser sign-in to a code, cancelling the first', async () => {
    const fake = new FakeCompanion()
    const card = await startSignIn(fake)
    fireEvent.click(within(card).getByRole('button', { name: 'Paste a code instead' }))
    await within(card).findByLabelText('Code from Dropbox')
    expect(fake.callsTo('connections.cancelSignIn')).toEqual([{ signInId: 'sign-in-1' }])
    expect(fake.callsTo('connections.connect')).toEqual([
      { provider: 'dropbox' },
      { provider: 'dropbox', redirect: 'manual' },
    ])
  })

  it('shows a refused code and lets the user try again', async () => {
    const fake = new FakeCompanion()
    fake.fail('connections.submitCode', 'no_sign_in_waiting', 'No sign-in is waiting for a code.')
    await renderApp(fake)
    fireEvent.click(screen.getByRole('tab', { name: /Connections/ }))
    fireEvent.click(screen.getByRole('button', { name: 'Sign in with a code instead' }))
    const code = await screen.findByLabelText('Code from Dropbox')
    fireEvent.change(code, { target: { value: 'nope' } })
    fireEvent.submit(code.closest('form') as HTMLFormElement)
    expect(await screen.findByText('No sign-in is waiting for a code.')).toBeTruthy()
    await waitFor(() =>
      expect((screen.getByLabelText('Code from Dropbox') as HTMLInputElement).disabled).toBe(false),
    )
  })
})
