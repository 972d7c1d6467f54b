import { describe, expect, it } from 'vitest'
import {
  browserOpeners,
  externalOrigins,
  isAllowedAuthorizeUrl,
} from '../../../src/main/app/external-links.ts'
import { fakeLog } from './fake-log.ts'

const AUTHORIZE = 'https://www.dropbox.com/oauth2/authorize?client_id=k&state=s&code_challenge=c'
const EMULATOR = { FTB_DROPBOX_AUTH_URL: 'http://127.0.0.1:41234/oauth2/authorize' }
const ORIGINS = externalOrigins('https://github.com/fermentrack-backup-companion/fbc')

describe('isAllowedAuthorizeUrl', () => {
  it('allows Dropbox over https', () => {
    expect(isAllowedAuthorizeUrl(AUTHORIZE, {})).toBe(true)
  })

  it('allows the loopback test endpoint only while FTB_DROPBOX_AUTH_URL names it', () => {
    const local = 'http://127.0.0.1:41234/oauth2/authorize?state=s'
    expect(isAllowedAuthorizeUrl(local, EMULATOR)).toBe(true)
    expect(isAllowedAuthorizeUrl(local, {})).toBe(false)
    expect(isAllowedAuthorizeUrl('http://127.0.0.1:9999/oauth2/authorize', EMULATOR)).toBe(false)
  })

  it.each([
    'http://www.dropbox.com/oauth2/authorize',
    'https://www.dropbox.com.evil.example/oauth2/authorize',
    'https://evil.example/?https://www.dropbox.com',
    'https://github.com/fermentrack-backup-companion/fbc',
    'file:///etc/passwd',
    'not a url',
  ])('refuses %s', (url) => {
    expect(isAllowedAuthorizeUrl(url, EMULATOR)).toBe(false)
  })

  it('refuses a non-loopback http endpoint even if configured', () => {
    const env = { FTB_DROPBOX_AUTH_URL: 'http://192.168.1.5:8000/authorize' }
    expect(isAllowedAuthorizeUrl('http://192.168.1.5:8000/authorize', env)).toBe(false)
  })
})

describe('browserOpeners', () => {
  function setUp(env: NodeJS.ProcessEnv = {}, fail = false) {
    const opened: string[] = []
    const log = fakeLog()
    const shell = {
      openExternal: async (url: string) => {
        if (fail) throw new Error('no browser')
        opened.push(url)
      },
    }
    return { opened, log, ...browserOpeners({ shell, env, allowedOrigins: ORIGINS, log }) }
  }

  it('opens the sign-in page, and refuses one elsewhere without opening it', async () => {
    const { openBrowser, opened } = setUp()
    await openBrowser(AUTHORIZE)
    await expect(openBrowser('https://evil.example/authorize')).rejects.toMatchObject({
      code: 'link_refused',
      message: expect.stringContaining('not on www.dropbox.com'),
    })
    expect(opened).toEqual([AUTHORIZE])
  })

  it('does not end the sign-in when the browser cannot start (the window shows the link)', async () => {
    const { openBrowser, log } = setUp({}, true)
    await expect(openBrowser(AUTHORIZE)).resolves.toBeUndefined()
    expect(log.records[0]!.level).toBe('warn')
  })

  it('opens allow-listed https links only', async () => {
    const { openExternal, opened } = setUp()
    await openExternal('https://github.com/fermentrack-backup-companion/fbc#readme')
    await openExternal('https://www.dropbox.com/developers/apps')
    for (const url of ['http://github.com/x', 'https://evil.example/', 'file:///etc/passwd']) {
      await expect(openExternal(url)).rejects.toMatchObject({ code: 'link_refused' })
    }
    expect(opened).toEqual([
      'https://github.com/fermentrack-backup-companion/fbc#readme',
      'https://www.dropbox.com/developers/apps',
    ])
  })
})
