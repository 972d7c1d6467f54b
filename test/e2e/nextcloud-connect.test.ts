import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ERROR_CODES } from '../../src/shared/error-codes.ts'
import { startNextcloudEmulator, type NextcloudEmulator } from '../emulators/nextcloud/index.ts'
import { filesUnder } from '../support/home-files.ts'
import {
  briefly,
  dropBackup,
  historyRow,
  uploadedJob,
  jobsOf,
  nextOpenedUrl,
  until,
  type App,
} from './app-harness.ts'
import { appSuite } from './app-suite.ts'

const { open } = appSuite()

let nc: NextcloudEmulator | undefined
afterEach(async () => {
  await nc?.close()
  nc = undefined
})

/** A fresh app on Connections, with the Nextcloud form's Connect pressed for `serverUrl`. */
async function pressConnect(serverUrl: (app: App) => string) {
  const app = await open()
  const page = await app.open()
  await page.getByRole('tab', { name: 'Connections' }).click()
  const card = page.getByRole('article', { name: 'Nextcloud', exact: true })
  await card.getByLabel('Server URL').fill(serverUrl(app))
  await card.getByRole('button', { name: 'Connect Nextcloud' }).click()
  return { app, page, card }
}

describe('connecting Nextcloud from the window', () => {
  it('opens the login page in the browser, shows the account once the login is granted, and uploads', async () => {
    const server = (nc = await startNextcloudEmulator())
    const { app, page } = await pressConnect(() => server.url)

    // The shell is asked to open the server's own login page (Login Flow v2), nothing else.
    const loginUrl = await nextOpenedUrl(app, 0)
    expect(loginUrl.startsWith(`${nc.url}/index.php/login/v2/flow/`)).toBe(true)
    expect(app.bridge.opened).toEqual([loginUrl])
    await until(() =>
      page.getByText('Waiting for you to log in to Nextcloud in your browser…').isVisible(),
    ).toBe(true)
    expect(await page.getByLabel('Browser didn’t open? Copy this link into it:').inputValue()).toBe(
      loginUrl,
    )
    expect(app.bridge.engine.connections.list()).toEqual([])

    // The user logs in and grants access on that page; the app polls and gets an app password.
    nc.grantLogin(loginUrl)
    const account = page.getByRole('article', {
      name: `Nextcloud account ${nc.user.displayName}`,
    })
    await until(() => account.isVisible()).toBe(true)
    expect(await account.getByText('Connected', { exact: true }).isVisible()).toBe(true)
    expect(await page.getByText(`Signed in as ${nc.user.displayName}.`).isVisible()).toBe(true)
    expect(await page.getByText('Waiting for you to log in').count()).toBe(0)
    expect(app.bridge.engine.connections.list()).toMatchObject([
      { provider: 'nextcloud', status: 'connected', account: { name: nc.user.displayName } },
    ])
    const [appPassword] = nc.activeAppPasswords()
    expect(appPassword).toBeTruthy()

    // A dropped backup goes up with the app password and is stored as sent.
    await page.getByRole('tab', { name: 'Uploads' }).click()
    const name = 'fermentrack-backup-2026-12-02.tar.xz'
    const path = await dropBackup(page, app, name, 700_000, 9)
    const job = await uploadedJob(page, app, name)
    expect(nc.stored(job.remotePath)?.equals(readFileSync(path))).toBe(true)
    await historyRow(page, name).click()
    const details = page.getByRole('region', { name: `Details of ${name}` })
    const verifiedBy =
      'SHA-256 checked by Nextcloud on receipt (OC-Checksum), read back with the size'
    expect(job.verifiedBy).toBe(verifiedBy)
    await until(() => details.getByText(verifiedBy, { exact: true }).isVisible()).toBe(true)

    // The app password lives in the secret store only: never in the page, settings or logs.
    const home = app.env.FTB_HOME!
    const secretFile = join(home, 'secrets.json')
    expect(readFileSync(secretFile, 'utf8')).toContain(appPassword)
    for (const file of await filesUnder(home, [secretFile]))
      expect(readFileSync(file, 'utf8'), file).not.toContain(appPassword)
    expect(app.received.length).toBeGreaterThan(0)
    for (const frame of app.received) expect(frame).not.toContain(appPassword!)
    expect(await page.content()).not.toContain(appPassword)
  })

  it('stops polling when the sign-in is cancelled: a login granted afterwards connects nothing', async () => {
    const server = (nc = await startNextcloudEmulator())
    const { app, page, card } = await pressConnect(() => server.url)
    const loginUrl = await nextOpenedUrl(app, 0)
    await card.getByRole('button', { name: 'Cancel sign-in' }).click()
    await until(() => card.getByRole('button', { name: 'Connect Nextcloud' }).isVisible()).toBe(
      true,
    )
    expect(await card.getByLabel('Server URL').inputValue()).toBe(nc.url)
    // The engine ends the login flow (its poll loop is gone), and the window shows no error.
    await until(() => app.received.filter((f) => f.includes('"signIn.finished"'))).toHaveLength(1)
    const [finished] = app.received.filter((f) => f.includes('"signIn.finished"'))
    expect(JSON.parse(finished!).payload).toMatchObject({
      connection: null,
      error: { code: 'authorization_denied' },
    })
    const polls = nc.requests.filter((r) => r.path === '/index.php/login/v2/poll').length
    nc.grantLogin(loginUrl)
    expect(await jobsOf(app)).toEqual([])
    expect(nc.requests.filter((r) => r.path === '/index.php/login/v2/poll')).toHaveLength(polls)
    expect(app.bridge.engine.connections.list()).toEqual([])
    expect(await page.getByRole('article', { name: /^Nextcloud account/ }).count()).toBe(0)
    expect(await card.getByRole('alert').count()).toBe(0)
    // Its login page is no longer one the app may open.
    const reopened = await app.bridge.companion.invoke('app.openExternal', { url: loginUrl })
    expect(reopened).toMatchObject({ ok: false, error: { code: 'link_refused' } })
  })

  it('says in one line that an address is not a Nextcloud server, and saves nothing', async () => {
    // The Dropbox emulator: an HTTP server on loopback, but no Login Flow v2 there.
    const { app, card } = await pressConnect((app) => new URL(app.emulator.authorizeUrl).origin)
    const notNextcloud = new URL(app.emulator.authorizeUrl).origin
    await until(() => card.getByRole('alert').allTextContents()).toEqual([
      `${notNextcloud} did not start a Nextcloud login (Login Flow v2 answered 404). ${ERROR_CODES.connection_test_failed.fix}`,
    ])
    // What was typed stays, to be corrected; correcting it clears the refusal.
    expect(await card.getByLabel('Server URL').inputValue()).toBe(notNextcloud)
    await card.getByLabel('Server URL').fill(`${notNextcloud}/nextcloud`)
    await briefly(() => card.getByRole('alert').count()).toBe(0)
    expect(app.bridge.opened).toEqual([])
    expect(app.bridge.engine.connections.list()).toEqual([])
  })

  it('reconnects through a new login once the app password is revoked, then disconnects at the server', async () => {
    const server = (nc = await startNextcloudEmulator())
    const { app, page } = await pressConnect(() => server.url)
    server.grantLogin(await nextOpenedUrl(app, 0))
    const account = page.getByRole('article', {
      name: `Nextcloud account ${server.user.displayName}`,
    })
    await until(() => account.getByText('Connected', { exact: true }).isVisible()).toBe(true)
    const [connection] = app.bridge.engine.connections.list()

    // "Revoke" in the user's security settings: the next upload is refused and waits.
    server.revokeAppPasswords()
    await page.getByRole('tab', { name: 'Uploads' }).click()
    const name = 'fermentrack-backup-2026-12-04.tar.xz'
    const path = await dropBackup(page, app, name, 300_000, 13)
    await page.getByRole('tab', { name: 'Connections' }).click()
    await until(() => account.getByText('Sign-in expired').isVisible()).toBe(true)

    // Reconnect opens the same server's login page again; granted, the same connection is back.
    await account.getByRole('button', { name: `Reconnect ${server.user.displayName}` }).click()
    const loginUrl = await nextOpenedUrl(app, 1)
    expect(loginUrl.startsWith(`${server.url}/index.php/login/v2/flow/`)).toBe(true)
    server.grantLogin(loginUrl)
    await until(() => account.getByText('Connected', { exact: true }).isVisible()).toBe(true)
    expect(app.bridge.engine.connections.list()).toMatchObject([
      { id: connection!.id, status: 'connected' },
    ])
    await page.getByRole('tab', { name: 'Uploads' }).click()
    const { remotePath } = await uploadedJob(page, app, name)
    expect(server.stored(remotePath)?.equals(readFileSync(path))).toBe(true)

    // Disconnect deletes the app password at the server, not only here.
    const [appPassword] = server.activeAppPasswords()
    expect(appPassword).toBeTruthy()
    await page.getByRole('tab', { name: 'Connections' }).click()
    await account.getByRole('button', { name: `Disconnect ${server.user.displayName}…` }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Disconnect' }).click()
    await until(() => account.count()).toBe(0)
    expect(server.activeAppPasswords()).toEqual([])
    expect(app.bridge.engine.connections.list()).toEqual([])
    for (const frame of app.received) expect(frame).not.toContain(appPassword!)
  })
})
