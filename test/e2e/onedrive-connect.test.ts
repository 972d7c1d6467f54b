import { afterEach, describe, expect, it } from 'vitest'
import type { GraphEmulator } from '../emulators/graph/index.ts'
import { CLIENT_ID, startOneDriveEmulator } from '../support/onedrive-fixture.ts'
import {
  DOCS_SCREENSHOT_DIR,
  nextOpenedUrl,
  playBrowserSignIn,
  screenshot,
  until,
} from './app-harness.ts'
import { appSuite } from './app-suite.ts'

const { open } = appSuite()
let graph: GraphEmulator | undefined
afterEach(async () => {
  await graph?.close()
  graph = undefined
})

describe('connecting OneDrive from the window', () => {
  it('opens Microsoft’s authorize URL with PKCE and the app-folder scopes, and shows the account once the browser comes back', async () => {
    graph = (await startOneDriveEmulator({ quotaBytes: 5 * 1024 ** 3 })).emulator
    const app = await open(
      {},
      {
        ONEDRIVE_CLIENT_ID: CLIENT_ID,
        FTB_MICROSOFT_LOGIN_URL: graph.url,
        FTB_GRAPH_API_URL: graph.url,
      },
    )
    const page = await app.open()
    await page.getByRole('tab', { name: 'Connections' }).click()
    await page.getByRole('button', { name: 'Connect OneDrive' }).click()

    const url = await nextOpenedUrl(app, 0)
    expect(url.startsWith(graph.authorizeUrl)).toBe(true)
    const params = new URL(url).searchParams
    expect(params.get('client_id')).toBe(CLIENT_ID)
    expect(params.get('code_challenge_method')).toBe('S256')
    expect(params.get('scope')).toBe('Files.ReadWrite.AppFolder offline_access User.Read')
    // Microsoft matches a loopback redirect at any port: the OS picked this one.
    expect(params.get('redirect_uri')).toMatch(/^http:\/\/localhost:\d+\/oauth\/callback$/)

    await playBrowserSignIn(url)

    const card = page.getByRole('article', { name: 'OneDrive account Brewer Example' })
    await until(() => card.isVisible()).toBe(true)
    expect(await card.getByText('brewer@example.com').isVisible()).toBe(true)
    expect(await card.getByText('Connected', { exact: true }).isVisible()).toBe(true)
    expect(await card.getByRole('meter').getAttribute('max')).toBe(String(5 * 1024 ** 3))
    expect(app.bridge.engine.connections.list().map((c) => c.account.email)).toEqual([
      'brewer@example.com',
    ])
    await screenshot(page, 'onedrive-connected', 'light', DOCS_SCREENSHOT_DIR)
  })
})
