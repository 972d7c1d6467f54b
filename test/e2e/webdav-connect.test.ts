import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterEach, describe, expect, it } from 'vitest'
import { ERROR_CODES } from '../../src/shared/error-codes.ts'
import { writeBackup } from '../support/backup-files.ts'
import { filesUnder } from '../support/home-files.ts'
import { startRclone, type WebdavServer } from '../support/webdav-servers.ts'
import { briefly, dropBackup, historyRow, uploadedJob, until, type App } from './app-harness.ts'
import { appSuite } from './app-suite.ts'

const { open } = appSuite()

let server: WebdavServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

function settingsJson(app: App): string {
  return readFileSync(join(app.env.FTB_HOME!, 'settings.json'), 'utf8')
}

/** The WebDAV form as a user fills it in on the Connections section. */
async function fillWebdavForm(page: Page, server: WebdavServer, password: string) {
  const card = page.getByRole('article', { name: 'WebDAV', exact: true })
  await card.getByLabel('Folder URL').fill(server.url)
  await card.getByLabel('User name').fill(server.username)
  await card.getByLabel('Password').fill(password)
  return card
}

describe('connecting a WebDAV server from the window', () => {
  it('tests the login, refuses a wrong password, connects, and uploads to rclone serve webdav', async () => {
    server = await startRclone()
    const app = await open()
    const page = await app.open()
    await page.getByRole('tab', { name: 'Connections' }).click()
    const host = new URL(server.url).host
    const accountName = `${server.username}@${host}`

    // "Test connection" signs in and saves nothing.
    const card = await fillWebdavForm(page, server, server.password)
    expect(await card.getByLabel('Password').getAttribute('type')).toBe('password')
    await card.getByRole('button', { name: 'Test connection' }).click()
    await until(() =>
      card.getByText(`The connection works: signed in as ${accountName}.`).isVisible(),
    ).toBe(true)
    expect(JSON.parse(settingsJson(app)).connections ?? []).toEqual([])
    expect(app.bridge.engine.connections.list()).toEqual([])

    // A wrong password: the server's refusal in one line beside the form, and nothing saved,
    // whether it is tested or connected.
    const refused = `The WebDAV server at ${host} refused the user name or password. ${ERROR_CODES.invalid_credentials.fix}`
    await card.getByLabel('Password').fill('not-the-password')
    await card.getByRole('button', { name: 'Test connection' }).click()
    await until(() => card.getByRole('alert').textContent()).toBe(refused)
    await card.getByRole('button', { name: 'Connect WebDAV' }).click()
    await until(() => card.getByRole('alert').allTextContents()).toEqual([refused])
    expect(JSON.parse(settingsJson(app)).connections ?? []).toEqual([])
    expect(app.bridge.engine.connections.list()).toEqual([])
    expect(await page.getByRole('article', { name: /^WebDAV account/ }).count()).toBe(0)

    // The right one: tested, the refusal gives way to the account; then connected, the account
    // card appears and the form is emptied of the password.
    await card.getByLabel('Password').fill(server.password)
    await card.getByRole('button', { name: 'Test connection' }).click()
    await until(() =>
      card.getByText(`The connection works: signed in as ${accountName}.`).isVisible(),
    ).toBe(true)
    expect(await card.getByRole('alert').count()).toBe(0)
    await card.getByRole('button', { name: 'Connect WebDAV' }).click()
    const account = page.getByRole('article', { name: `WebDAV account ${accountName}` })
    await until(() => account.isVisible()).toBe(true)
    expect(await account.getByText('Connected', { exact: true }).isVisible()).toBe(true)
    await briefly(() => card.getByRole('alert').count()).toBe(0)
    expect(await card.getByLabel('Password').inputValue()).toBe('')
    expect(app.bridge.engine.connections.list()).toMatchObject([
      { provider: 'webdav', status: 'connected', account: { name: accountName } },
    ])

    // A dropped backup is stored on rclone's disk, byte for byte, and says how it was checked.
    await page.getByRole('tab', { name: 'Uploads' }).click()
    const name = 'fermentrack-backup-2026-12-01.tar.xz'
    const path = await dropBackup(page, app, name, 3 * 1024 * 1024 + 17, 5)
    const job = await uploadedJob(page, app, name)
    expect(job).toMatchObject({ state: 'done', path })
    const stored = join(server.root, job.remotePath)
    expect(readFileSync(stored).equals(readFileSync(path))).toBe(true)
    await historyRow(page, name).click()
    const details = page.getByRole('region', { name: `Details of ${name}` })
    await until(() => details.isVisible()).toBe(true)
    // rclone offers no OC-Checksum: the ends are read back and the sizes compared.
    const verifiedBy = 'size and first/last MiB read back'
    expect(job.verifiedBy).toBe(verifiedBy)
    expect(await details.getByText(verifiedBy, { exact: true }).isVisible()).toBe(true)

    // The password reached the engine, the server and the secret store, and nothing else.
    const home = app.env.FTB_HOME!
    const secretFile = join(home, 'secrets.json')
    expect(readFileSync(secretFile, 'utf8')).toContain(server.password)
    for (const file of await filesUnder(home, [secretFile]))
      expect(readFileSync(file, 'utf8'), file).not.toContain(server.password)
    expect(app.received.length).toBeGreaterThan(0)
    for (const frame of app.received) expect(frame).not.toContain(server.password)
    expect(app.received.join('\n')).not.toContain('not-the-password')
  })

  it('asks for the new password once the server refuses the stored one, and uploads after Reconnect', async () => {
    server = await startRclone()
    const app = await open()
    const page = await app.open()
    await page.getByRole('tab', { name: 'Connections' }).click()
    const card = await fillWebdavForm(page, server, server.password)
    await card.getByRole('button', { name: 'Connect WebDAV' }).click()
    const accountName = `${server.username}@${new URL(server.url).host}`
    const account = page.getByRole('article', { name: `WebDAV account ${accountName}` })
    await until(() => account.getByText('Connected', { exact: true }).isVisible()).toBe(true)
    const [connection] = app.bridge.engine.connections.list()

    // The password is changed on the server: the next upload is refused and waits.
    await server.changePassword('a-new-password-91c2')
    await page.getByRole('tab', { name: 'Uploads' }).click()
    const name = 'fermentrack-backup-2026-12-03.tar.xz'
    const path = await dropBackup(page, app, name, 200_000, 11)
    await page.getByRole('tab', { name: 'Connections' }).click()
    await until(() => account.getByText('Sign-in expired').isVisible()).toBe(true)

    // Reconnect: the form comes back with the server and user, never the old password.
    await account.getByRole('button', { name: `Reconnect ${accountName}` }).click()
    expect(await account.getByLabel('Folder URL').inputValue()).toBe(server.url)
    expect(await account.getByLabel('User name').inputValue()).toBe(server.username)
    expect(await account.getByLabel('Password').inputValue()).toBe('')
    // The old password again: refused beside the form, and the connection still waits.
    await account.getByLabel('Password').fill(server.password)
    await account.getByRole('button', { name: 'Reconnect', exact: true }).click()
    await until(() => account.getByRole('alert').allTextContents()).toEqual([
      `The WebDAV server at ${new URL(server.url).host} refused the user name or password. ${ERROR_CODES.invalid_credentials.fix}`,
    ])
    expect(app.bridge.engine.connections.list()).toMatchObject([
      { id: connection!.id, status: 'needs_reauth' },
    ])
    await account.getByLabel('Password').fill('a-new-password-91c2')
    await account.getByRole('button', { name: 'Reconnect', exact: true }).click()
    await until(() => account.getByText('Connected', { exact: true }).isVisible()).toBe(true)
    expect(app.bridge.engine.connections.list()).toMatchObject([
      { id: connection!.id, status: 'connected' },
    ])

    // The waiting backup goes up with the new password.
    await page.getByRole('tab', { name: 'Uploads' }).click()
    const { remotePath } = await uploadedJob(page, app, name)
    expect(readFileSync(join(server.root, remotePath)).equals(readFileSync(path))).toBe(true)
    for (const frame of app.received) expect(frame).not.toContain('a-new-password-91c2')

    // Changed once more while the card is on screen: it offers Reconnect again, not a form left
    // open from last time.
    await page.getByRole('tab', { name: 'Connections' }).click()
    await account.getByRole('button', { name: `Reconnect ${accountName}` }).waitFor({
      state: 'detached',
    })
    await server.changePassword('a-third-password-5d0e')
    const next = await writeBackup(app.dropDir, 'fermentrack-backup-2026-12-04.tar.xz', 1000, 12)
    expect((await app.bridge.companion.invoke('uploads.enqueue', { paths: [next] })).ok).toBe(true)
    await until(() => account.getByText('Sign-in expired').isVisible()).toBe(true)
    expect(
      await account.getByRole('button', { name: `Reconnect ${accountName}` }).isVisible(),
    ).toBe(true)
    expect(await account.getByLabel('Password').count()).toBe(0)
  })
})
