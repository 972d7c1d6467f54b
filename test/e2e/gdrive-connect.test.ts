import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { GdriveEmulator } from '../emulators/gdrive/index.ts'
import { filesUnder } from '../support/home-files.ts'
import { GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET, startGoogle } from '../support/gdrive-fixture.ts'
import {
  ACCOUNT,
  dismissToasts,
  DOCS_SCREENSHOT_DIR,
  dropBackup,
  nextOpenedUrl,
  playBrowserSignIn,
  screenshot,
  until,
  uploadedJob,
} from './app-harness.ts'
import { appSuite } from './app-suite.ts'

const { open } = appSuite()

let google: GdriveEmulator | undefined
afterEach(async () => {
  await google?.close()
  google = undefined
})

describe('connecting Google Drive from the window', () => {
  it('sets up the Desktop client in its settings card, signs in through the browser, and uploads into My Drive', async () => {
    const emulator = (google = await startGoogle({
      account: { displayName: ACCOUNT.name, emailAddress: ACCOUNT.email },
      quotaBytes: 15_000_000_000,
    }))
    const app = await open(
      {},
      {
        FTB_GOOGLE_AUTH_URL: emulator.authorizeUrl,
        FTB_GOOGLE_TOKEN_URL: emulator.tokenUrl,
        FTB_GOOGLE_API_URL: emulator.url,
        FTB_GOOGLE_REVOKE_URL: emulator.revokeUrl,
      },
    )
    const page = await app.open()

    // The generic provider card: Client ID and the optional Client Secret (a password field).
    await page.getByRole('tab', { name: 'Connections' }).click()
    const pending = page.getByRole('group', { name: 'Not set up yet' })
    await until(() => pending.getByText(/Google Drive needs an OAuth client/).isVisible()).toBe(
      true,
    )
    await page.getByRole('tab', { name: 'Settings' }).click()
    const card = page.getByRole('form', { name: 'Google Drive' })
    await until(() => card.getByText('Not configured').isVisible()).toBe(true)
    // Google takes any loopback port and no custom scheme: that one URI is all the card lists.
    const loopback = 'http://127.0.0.1:<any port>/oauth/callback'
    expect(await card.getByRole('button', { name: `Copy ${loopback}` }).isVisible()).toBe(true)
    expect(await card.getByRole('button', { name: /^Copy fermentrack-backup:/ }).count()).toBe(0)
    await card.getByLabel('Client ID').fill(GOOGLE_CLIENT_ID)
    const secret = card.getByLabel('Client Secret')
    expect(await secret.getAttribute('type')).toBe('password')
    await secret.fill(GOOGLE_CLIENT_SECRET)
    await card.getByRole('button', { name: 'Save Google Drive settings' }).click()
    await until(() => card.getByText('Enabled', { exact: true }).first().isVisible()).toBe(true)

    await page.getByRole('tab', { name: 'Connections' }).click()
    const providerCard = page.getByRole('article', { name: 'Google Drive', exact: true })
    // Google takes no pasted code, so none is offered, before or during the sign-in.
    expect(await providerCard.getByRole('button', { name: /code instead/ }).count()).toBe(0)
    const seen = app.bridge.opened.length
    await page.getByRole('button', { name: 'Connect Google Drive' }).click()
    const url = await nextOpenedUrl(app, seen)
    expect(url.startsWith(emulator.authorizeUrl)).toBe(true)
    const params = new URL(url).searchParams
    expect(params.get('access_type')).toBe('offline')
    expect(params.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/)
    await until(() =>
      providerCard.getByText('Waiting for you to choose “Allow” in your browser…').isVisible(),
    ).toBe(true)
    expect(await providerCard.getByRole('button', { name: 'Paste a code instead' }).count()).toBe(0)
    await playBrowserSignIn(url)

    const account = page.getByRole('article', { name: `Google Drive account ${ACCOUNT.name}` })
    await until(() => account.getByText('Connected', { exact: true }).isVisible()).toBe(true)
    expect(await account.getByText(ACCOUNT.email).isVisible()).toBe(true)
    expect(app.bridge.engine.connections.list()).toMatchObject([
      { provider: 'google-drive', status: 'connected', account: { email: ACCOUNT.email } },
    ])
    await dismissToasts(page)
    // The README's picture of a connected Google Drive, as the screenshot test writes the others.
    await screenshot(page, 'gdrive-connected', 'light', DOCS_SCREENSHOT_DIR)

    // A dropped backup lands in the target folder in My Drive, byte for byte, checked by SHA-256.
    await page.getByRole('tab', { name: 'Uploads' }).click()
    const name = 'fermentrack-backup-2026-12-06.tar.xz'
    const path = await dropBackup(page, app, name, 300_000, 21)
    const job = await uploadedJob(page, app, name)
    expect(job.remotePath).toBe(`/Fermentrack Backups/${name}`)
    expect(emulator.fileAt(job.remotePath!)!.content!.equals(readFileSync(path))).toBe(true)

    // The client secret is in the secret store only, never in settings or what the window got.
    const home = app.env.FTB_HOME!
    const secretFile = join(home, 'secrets.json')
    for (const file of await filesUnder(home, [secretFile]))
      expect(readFileSync(file, 'utf8'), file).not.toContain(GOOGLE_CLIENT_SECRET)
    for (const frame of app.received) expect(frame).not.toContain(GOOGLE_CLIENT_SECRET)
  })
})
