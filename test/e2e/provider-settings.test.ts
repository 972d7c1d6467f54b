import { describe, expect, it } from 'vitest'
import { APP_KEY } from '../support/dropbox-fixture.ts'
import { ACCOUNT, dismissToasts, nextOpenedUrl, playBrowserSignIn, until } from './app-harness.ts'
import { appSuite } from './app-suite.ts'

const { open } = appSuite()

describe('setting up a provider in the window', () => {
  it('configures Dropbox from scratch (Client ID), after which Connect works against the emulator', async () => {
    // No app key anywhere: not in the environment, not built in, not in settings.json.
    const app = await open({}, { DROPBOX_APP_KEY: '' })
    const page = await app.open()

    await page.getByRole('tab', { name: 'Connections' }).click()
    const pending = page.getByRole('group', { name: 'Not set up yet' })
    await until(() => pending.getByText(/Dropbox needs an app key/).isVisible()).toBe(true)
    expect(await page.getByRole('button', { name: 'Connect Dropbox' }).count()).toBe(0)

    await pending.getByRole('button', { name: 'Set up in Settings' }).click()
    const card = page.getByRole('form', { name: 'Dropbox' })
    await until(() => card.getByText('Not configured').isVisible()).toBe(true)
    // The redirect URIs to register, each copied through main's clipboard.
    const loopback = `http://127.0.0.1:${app.env.FTB_LOOPBACK_PORT}/oauth/callback`
    await card.getByRole('button', { name: `Copy ${loopback}` }).click()
    await until(() => app.bridge.copied).toEqual([loopback])

    const clientId = card.getByLabel('Client ID')
    await clientId.fill(' ')
    await card.getByLabel('Default Target').fill('Brewery')
    expect(
      await card
        .getByText('Must be an absolute folder such as "/Fermentrack Backups".')
        .isVisible(),
    ).toBe(true)
    expect(await card.getByRole('button', { name: 'Save Dropbox settings' }).isDisabled()).toBe(
      true,
    )
    await card.getByLabel('Default Target').fill('/Brewery')
    await clientId.fill(APP_KEY)
    await card.getByRole('button', { name: 'Save Dropbox settings' }).click()
    await until(() => card.getByText('Enabled', { exact: true }).first().isVisible()).toBe(true)
    expect(app.bridge.engine.settings.get().providers.dropbox).toEqual({
      clientId: APP_KEY,
      defaultTarget: '/Brewery',
    })

    await page.getByRole('tab', { name: 'Connections' }).click()
    const seen = app.bridge.opened.length
    await page.getByRole('button', { name: 'Connect Dropbox' }).click()
    const url = await nextOpenedUrl(app, seen)
    expect(url.startsWith(app.emulator.authorizeUrl)).toBe(true)
    expect(new URL(url).searchParams.get('client_id')).toBe(APP_KEY)
    expect(new URL(url).searchParams.get('token_access_type')).toBe('offline')
    await playBrowserSignIn(url)

    const account = page.getByRole('article', { name: `Dropbox account ${ACCOUNT.name}` })
    await until(() => account.isVisible()).toBe(true)
    expect(await page.getByText(`Signed in as ${ACCOUNT.name}.`).isVisible()).toBe(true)
    expect(app.bridge.engine.connections.list()).toMatchObject([
      { provider: 'dropbox', status: 'connected', account: { email: ACCOUNT.email } },
    ])
    expect(
      app.bridge.engine.connections.targetOf(app.bridge.engine.connections.list()[0]!.id),
    ).toBe('/Brewery')
    await dismissToasts(page)
  })

  it('refuses to open a sign-in page that no configured provider names', async () => {
    const app = await open()
    const result = await app.bridge.companion.invoke('app.openExternal', {
      url: 'https://www.dropbox.com.evil.example/oauth2/authorize',
    })
    expect(result).toMatchObject({ ok: false, error: { code: 'link_refused' } })
    expect(app.bridge.opened).toEqual([])
  })
})
