// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { FakeCompanion } from './fake-companion.ts'
import { renderApp } from './render-app.tsx'

afterEach(cleanup)

async function openProviderSettings(fake = new FakeCompanion()) {
  await renderApp(fake)
  fireEvent.click(screen.getByRole('tab', { name: /Settings/ }))
  await screen.findByRole('heading', { name: 'Storage providers' })
  await screen.findByRole('form', { name: 'Dropbox' })
  return fake
}

const providerCard = (name: string) => screen.getByRole('form', { name })
const field = (card: HTMLElement, label: string) =>
  within(card).getByLabelText(label) as HTMLInputElement
const saveOf = (card: HTMLElement, name: string) =>
  within(card).getByRole('button', { name: `Save ${name} settings` }) as HTMLButtonElement

/** The text of the error a field points at with aria-describedby, or null without one. */
function errorOf(input: HTMLElement): string | null {
  if (input.getAttribute('aria-invalid') !== 'true') return null
  const ids = input.getAttribute('aria-describedby')?.split(' ') ?? []
  return document.getElementById(ids.at(-1) ?? '')?.textContent ?? null
}

describe('Settings › Storage providers', () => {
  it('shows a card per provider: OAuth fields and the folder’s two', async () => {
    await openProviderSettings()
    const dropbox = providerCard('Dropbox')
    expect(field(dropbox, 'Client ID').value).toBe('')
    expect(field(dropbox, 'Authorization URL').value).toBe(
      'https://www.dropbox.com/oauth2/authorize',
    )
    expect(field(dropbox, 'Authorization URL Options').value).toBe(
      '{"token_access_type":"offline"}',
    )
    expect(field(dropbox, 'Token URL').value).toBe('https://api.dropboxapi.com/oauth2/token')
    expect(field(dropbox, 'Scopes').value).toBe(
      'files.content.write files.metadata.read account_info.read',
    )
    expect(field(dropbox, 'Default Target').value).toBe('/Fermentrack Backups')
    expect(within(dropbox).getByRole('switch', { name: 'Enabled' })).toBeTruthy()
    // Dropbox's desktop clients carry no secret, so there is no field for one.
    expect(within(dropbox).queryByLabelText('Client Secret')).toBeNull()
    const uris = within(dropbox).getAllByLabelText('Redirect URI') as HTMLInputElement[]
    expect(uris.map((u) => [u.value, u.readOnly])).toEqual([
      ['fermentrack-backup://oauth/callback', true],
      ['http://127.0.0.1:53135/oauth/callback', true],
    ])

    const folder = providerCard('Local or NAS folder')
    expect(
      within(folder)
        .getAllByRole('textbox')
        .map((i) => i.getAttribute('id')),
    ).toHaveLength(1)
    expect(field(folder, 'Default Target').value).toBe('/Fermentrack Backups')
    expect(within(folder).queryByLabelText('Client ID')).toBeNull()
  })

  it('shows a provider the engine lists as not built yet as “Coming soon”, with no fields', async () => {
    const fake = new FakeCompanion()
    fake.state.providerSettings = [
      ...fake.state.providerSettings,
      {
        ...fake.state.providerSettings.find((v) => v.provider_id === 'local')!,
        provider_id: 's3',
        display_name: 'S3-compatible',
        available: false,
        enabled: false,
        is_enabled: false,
        reason: 'Coming soon: this provider is not built yet.',
      },
    ]
    await openProviderSettings(fake)
    const soon = screen.getByRole('region', { name: 'S3-compatible' })
    expect(soon.getAttribute('aria-disabled')).toBe('true')
    expect(within(soon).getByText('Coming soon')).toBeTruthy()
    expect(within(soon).queryByRole('textbox')).toBeNull()
  })

  it('OneDrive’s card: Microsoft’s endpoints and scopes, no Client Secret, a bad Authorization URL refused, a Client ID saved', async () => {
    const fake = await openProviderSettings()
    const onedrive = providerCard('OneDrive')
    expect(within(onedrive).getByText('Not configured')).toBeTruthy()
    expect(within(onedrive).getByRole('note').textContent).toContain('Microsoft Entra')
    expect(field(onedrive, 'Client ID').value).toBe('')
    expect(field(onedrive, 'Authorization URL').value).toBe(
      'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    )
    expect(field(onedrive, 'Token URL').value).toBe(
      'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    )
    expect(field(onedrive, 'Scopes').value).toBe(
      'Files.ReadWrite.AppFolder offline_access User.Read',
    )
    // A public client: no secret to enter.
    expect(within(onedrive).queryByLabelText('Client Secret')).toBeNull()
    const uris = within(onedrive).getAllByLabelText('Redirect URI') as HTMLInputElement[]
    expect(uris.map((u) => u.value)).toEqual([
      'fermentrack-backup://oauth/callback',
      'http://localhost:<any port>/oauth/callback',
    ])

    const authorize = field(onedrive, 'Authorization URL')
    fireEvent.change(authorize, { target: { value: 'login.microsoftonline.com/authorize' } })
    expect(errorOf(authorize)).toMatch(/^Must be an https URL/)
    fireEvent.change(field(onedrive, 'Client ID'), {
      target: { value: '00000000-0000-0000-0000-00000000f7b1' },
    })
    expect(saveOf(onedrive, 'OneDrive').disabled).toBe(true)
    fireEvent.submit(authorize.closest('form') as HTMLFormElement)
    expect(fake.callsTo('providers.configure')).toEqual([])

    fireEvent.change(authorize, {
      target: { value: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize' },
    })
    expect(errorOf(authorize)).toBeNull()
    fireEvent.click(saveOf(onedrive, 'OneDrive'))
    await within(onedrive).findByText('Saved')
    expect(fake.callsTo('providers.configure')).toEqual([
      { provider: 'onedrive', changes: { clientId: '00000000-0000-0000-0000-00000000f7b1' } },
    ])
    expect(within(onedrive).getByText('Enabled', { selector: '.pill' })).toBeTruthy()
  })

  it('says what to do for a provider that is not configured, linking to its README section', async () => {
    const fake = await openProviderSettings()
    const dropbox = providerCard('Dropbox')
    expect(within(dropbox).getByText('Not configured')).toBeTruthy()
    expect(within(dropbox).getByRole('note').textContent).toContain(
      'Dropbox needs an app key: enter your Dropbox app key as the Client ID.',
    )
    fireEvent.click(within(dropbox).getByRole('button', { name: /How to set up Dropbox/ }))
    await waitFor(() =>
      expect(fake.callsTo('app.openExternal')).toEqual([
        {
          url: 'https://github.com/fermentrack-backup-companion/fermentrack-backup-companion#dropbox',
        },
      ]),
    )
  })

  it('checks each field as it is typed, ties the error to the field, and saves nothing invalid', async () => {
    const fake = await openProviderSettings()
    const dropbox = providerCard('Dropbox')
    fireEvent.change(field(dropbox, 'Client ID'), { target: { value: 'my-app-key' } })
    expect(saveOf(dropbox, 'Dropbox').disabled).toBe(false)

    const authorize = field(dropbox, 'Authorization URL')
    fireEvent.change(authorize, { target: { value: 'http://auth.example.com/authorize' } })
    expect(errorOf(authorize)).toBe(
      'Must be an https URL (plain http only on 127.0.0.1 or localhost).',
    )
    expect(saveOf(dropbox, 'Dropbox').disabled).toBe(true)
    fireEvent.change(authorize, { target: { value: 'http://127.0.0.1:8080/authorize' } })
    expect(errorOf(authorize)).toBeNull()

    const options = field(dropbox, 'Authorization URL Options')
    for (const bad of ['{"token_access_type":1}', '["offline"]', '{token_access_type: offline}']) {
      fireEvent.change(options, { target: { value: bad } })
      expect(errorOf(options)).toMatch(/^Must be a JSON object of strings/)
    }
    fireEvent.change(options, {
      target: { value: '{"token_access_type":"offline","include_granted_scopes":"user"}' },
    })
    expect(errorOf(options)).toBeNull()

    const target = field(dropbox, 'Default Target')
    fireEvent.change(target, { target: { value: 'Backups' } })
    expect(errorOf(target)).toBe('Must be an absolute folder such as "/Fermentrack Backups".')
    fireEvent.submit(target.closest('form') as HTMLFormElement)
    expect(fake.callsTo('providers.configure')).toEqual([])

    fireEvent.change(target, { target: { value: '/Brewery' } })
    fireEvent.click(saveOf(dropbox, 'Dropbox'))
    await within(dropbox).findByText('Saved')
    expect(fake.callsTo('providers.configure')).toEqual([
      {
        provider: 'dropbox',
        changes: {
          clientId: 'my-app-key',
          authorizationUrl: 'http://127.0.0.1:8080/authorize',
          authorizationUrlOptions: {
            token_access_type: 'offline',
            include_granted_scopes: 'user',
          },
          defaultTarget: '/Brewery',
        },
      },
    ])
    expect(within(dropbox).getByText('Enabled', { selector: '.pill' })).toBeTruthy()
    expect(saveOf(dropbox, 'Dropbox').disabled).toBe(true)
  })

  it('resets a provider to its defaults', async () => {
    const fake = await openProviderSettings()
    const dropbox = providerCard('Dropbox')
    fireEvent.change(field(dropbox, 'Client ID'), { target: { value: 'k' } })
    fireEvent.click(saveOf(dropbox, 'Dropbox'))
    await within(dropbox).findByText('Saved')
    expect(field(dropbox, 'Client ID').value).toBe('k')

    fireEvent.click(within(dropbox).getByRole('button', { name: 'Reset to defaults' }))
    await waitFor(() => expect(field(dropbox, 'Client ID').value).toBe(''))
    expect(fake.callsTo('providers.configure').at(-1)).toEqual({
      provider: 'dropbox',
      changes: {},
      reset: true,
    })
    expect(within(dropbox).getByText('Not configured')).toBeTruthy()
  })

  it('copies a redirect URI through the app', async () => {
    const fake = await openProviderSettings()
    const dropbox = providerCard('Dropbox')
    const uri = 'http://127.0.0.1:53135/oauth/callback'
    fireEvent.click(within(dropbox).getByRole('button', { name: `Copy ${uri}` }))
    await within(dropbox).findByText('Copied')
    expect(fake.state.clipboard).toEqual([uri])
  })

  it('takes a client secret but never shows it: only that one is set', async () => {
    const fake = await openProviderSettings()
    const drive = providerCard('Google Drive')
    const secret = field(drive, 'Client Secret')
    expect(secret.type).toBe('password')
    expect(secret.value).toBe('')
    expect(secret.placeholder).toBe('set')
    expect(within(drive).getByText(/^Set, and kept in your keychain/)).toBeTruthy()

    fireEvent.change(secret, { target: { value: 'GOCSPX-new-secret' } })
    fireEvent.click(saveOf(drive, 'Google Drive'))
    await within(drive).findByText('Saved')
    expect(fake.callsTo('providers.configure')).toEqual([
      { provider: 'google-drive', changes: {}, clientSecret: 'GOCSPX-new-secret' },
    ])
    expect(fake.state.clientSecrets['google-drive']).toBe('GOCSPX-new-secret')
    // Handed over, then gone from the window: not in the field, not anywhere on the page.
    expect(field(drive, 'Client Secret').value).toBe('')
    expect(document.body.innerHTML).not.toContain('GOCSPX-new-secret')

    fireEvent.click(within(drive).getByRole('button', { name: 'Remove' }))
    fireEvent.click(saveOf(drive, 'Google Drive'))
    await waitFor(() => expect(fake.callsTo('providers.configure')).toHaveLength(2))
    expect(fake.callsTo('providers.configure')[1]).toEqual({
      provider: 'google-drive',
      changes: {},
      clientSecret: '',
    })
    await within(drive).findByText(/^Not set\. It is kept in your keychain/)
  })

  it('shows a Client ID from the environment read-only, since the environment wins', async () => {
    const fake = new FakeCompanion()
    fake.state.providerSettings = fake.state.providerSettings.map((v) =>
      v.oauth && v.provider_id === 'dropbox'
        ? {
            ...v,
            is_enabled: true,
            reason: null,
            oauth: { ...v.oauth, clientId: 'env-key', clientIdSource: 'environment' as const },
          }
        : v,
    )
    await openProviderSettings(fake)
    const clientId = field(providerCard('Dropbox'), 'Client ID')
    expect(clientId.value).toBe('env-key')
    expect(clientId.readOnly).toBe(true)
    expect(screen.getByText(/^From an environment variable, which wins/)).toBeTruthy()
  })
})
