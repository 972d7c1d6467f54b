import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  ExternalLinks,
  allowedLink,
  docsOrigins,
  enabledAuthorizationUrls,
} from '../../../src/main/app/external-links.ts'
import { ProviderConfig } from '../../../src/main/auth/provider-config.ts'
import { createLogger } from '../../../src/main/log/logger.ts'
import { createFileStore } from '../../../src/main/secrets/file-store.ts'
import { SettingsStore } from '../../../src/main/store/settings-store.ts'
import { tempDir } from '../../support/cli-process.ts'
import { fakeLog } from './fake-log.ts'

const DOCS = 'https://github.com/fermentrack-backup-companion/fbc'
const AUTHORIZE = 'https://www.dropbox.com/oauth2/authorize?client_id=k&state=s&code_challenge=c'

/** The real provider settings (no key built in, none in the environment) behind the links. */
function setUp(options: { env?: NodeJS.ProcessEnv; browserFails?: boolean } = {}) {
  const home = tempDir('links')
  const settings = new SettingsStore(home)
  const secrets = createFileStore({ home, log: createLogger({ file: join(home, 'log.jsonl') }) })
  const providers = new ProviderConfig({
    settings,
    secrets: async () => secrets,
    env: options.env ?? {},
    builtIn: {},
  })
  const opened: string[] = []
  const log = fakeLog()
  const links = new ExternalLinks({
    shell: {
      openExternal: async (url: string) => {
        if (options.browserFails) throw new Error('no browser')
        opened.push(url)
      },
    },
    docsOrigins: docsOrigins(DOCS),
    authorizationUrls: () => enabledAuthorizationUrls(providers),
    log,
  })
  return { links, providers, opened, log }
}

const refused = { code: 'link_refused' }

describe('the allow-list itself', () => {
  const allow = {
    origins: ['https://www.dropbox.com'],
    loopbackOrigins: ['http://127.0.0.1:41234'],
  }

  it.each([
    'http://www.dropbox.com/oauth2/authorize',
    'https://www.dropbox.com.evil.example/oauth2/authorize',
    'https://evil.example/?https://www.dropbox.com',
    'https://www.dropbox.com@evil.example/',
    'http://127.0.0.1:9999/oauth2/authorize',
    'https://127.0.0.1:41234/oauth2/authorize',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'not a url',
  ])('refuses %s', (url) => {
    expect(allowedLink(url, allow)).toBeNull()
  })

  it('lets https pages of an allowed origin and the named loopback endpoint through', () => {
    expect(allowedLink(AUTHORIZE, allow)).toBe(AUTHORIZE)
    expect(allowedLink('http://127.0.0.1:41234/oauth2/authorize?x=1', allow)).toBe(
      'http://127.0.0.1:41234/oauth2/authorize?x=1',
    )
  })
})

describe('ExternalLinks', () => {
  it('opens the documentation, and no provider page while no provider is configured', async () => {
    const { links, opened } = setUp()
    await links.openExternal(`${DOCS}#dropbox`)
    await expect(links.openBrowser(AUTHORIZE)).rejects.toMatchObject(refused)
    await expect(
      links.openExternal('https://www.dropbox.com/developers/apps'),
    ).rejects.toMatchObject(refused)
    expect(opened).toEqual([`${DOCS}#dropbox`])
  })

  it('opens an OAuth provider’s authorization URL once it is configured, and not once it is switched off', async () => {
    const { links, providers, opened } = setUp()
    await providers.configure({ provider: 'dropbox', changes: { clientId: 'my-app-key' } })
    await links.openBrowser(AUTHORIZE)
    for (const lookalike of [
      'http://www.dropbox.com/oauth2/authorize',
      'https://www.dropbox.com.evil.example/oauth2/authorize',
      'https://evil.example/?https://www.dropbox.com',
    ])
      await expect(links.openBrowser(lookalike)).rejects.toMatchObject(refused)

    await providers.configure({ provider: 'dropbox', changes: { enabled: false } })
    await expect(links.openBrowser(AUTHORIZE)).rejects.toMatchObject(refused)
    expect(opened).toEqual([AUTHORIZE])
  })

  it('follows a changed authorization URL, allowing loopback http only for the configured endpoint', async () => {
    const { links, providers, opened } = setUp()
    const local = 'http://127.0.0.1:41234/oauth2/authorize'
    await providers.configure({
      provider: 'dropbox',
      changes: { clientId: 'k', authorizationUrl: local },
    })
    await links.openBrowser(`${local}?state=s`)
    await expect(links.openBrowser('http://127.0.0.1:9999/oauth2/authorize')).rejects.toMatchObject(
      refused,
    )
    // The Dropbox default is no longer the configured page.
    await expect(links.openBrowser(AUTHORIZE)).rejects.toMatchObject(refused)
    // A plain-http address off this machine cannot even be configured.
    await expect(
      providers.configure({
        provider: 'dropbox',
        changes: { authorizationUrl: 'http://192.168.1.5:8000/authorize' },
      }),
    ).rejects.toMatchObject({ code: 'invalid_setting' })
    await expect(links.openBrowser('http://192.168.1.5:8000/authorize')).rejects.toMatchObject(
      refused,
    )
    expect(opened).toEqual([`${local}?state=s`])
  })

  it('takes the emulator endpoint an environment names as the configured authorization URL', async () => {
    const env = {
      DROPBOX_APP_KEY: 'k',
      FTB_DROPBOX_AUTH_URL: 'http://127.0.0.1:41234/oauth2/authorize',
    }
    const { links, opened } = setUp({ env })
    await links.openBrowser('http://127.0.0.1:41234/oauth2/authorize?state=s')
    expect(opened).toEqual(['http://127.0.0.1:41234/oauth2/authorize?state=s'])
  })

  it('opens a login flow’s page only while its sign-in runs', async () => {
    const { links, opened } = setUp()
    const page = 'https://cloud.example.org/login/v2/flow/abc'
    await expect(links.openBrowser(page)).rejects.toMatchObject(refused)

    const first = links.allowLoginPage(page)
    const second = links.allowLoginPage('https://cloud.example.org/login/v2/flow/def')
    await links.openBrowser(page)
    first()
    first() // releasing twice must not end the other sign-in's allowance
    await links.openBrowser(page)
    second()
    await expect(links.openBrowser(page)).rejects.toMatchObject(refused)
    expect(opened).toEqual([page, page])
  })

  it('never allows a login page that is plain http off this machine', async () => {
    const { links, opened } = setUp()
    const release = links.allowLoginPage('http://cloud.example.org/login/v2/flow/abc')
    await expect(
      links.openBrowser('http://cloud.example.org/login/v2/flow/abc'),
    ).rejects.toMatchObject(refused)
    release()
    expect(opened).toEqual([])
  })

  it('does not end a sign-in when the browser cannot start (the window shows the link)', async () => {
    const { links, log } = setUp({ browserFails: true })
    const release = links.allowLoginPage('https://cloud.example.org/login')
    await expect(links.openBrowser('https://cloud.example.org/login')).resolves.toBeUndefined()
    release()
    expect(log.records.map((r) => r.level)).toEqual(['warn'])
  })
})
