import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import {
  applySecurityRestrictions,
  externalUrlDecision,
  isAllowedNavigation,
  originOf,
} from '../../../src/main/app/security-restrictions.ts'

const DEV_ORIGIN = 'http://localhost:5173'
const APP_ORIGIN = 'app://companion'
const ALLOWED = ['https://www.dropbox.com', 'https://github.com']

describe('originOf', () => {
  it.each([
    ['http://localhost:5173/index.html', 'http://localhost:5173'],
    ['HTTPS://WWW.Dropbox.com:443/home', 'https://www.dropbox.com'],
    ['app://companion/assets/index.js', 'app://companion'],
  ])('gives %s the origin %s', (url, origin) => {
    expect(originOf(url)).toBe(origin)
  })

  it.each([
    'file:///etc/passwd',
    'data:text/html,hi',
    'about:blank',
    'javascript:alert(1)',
    'not a url',
  ])('gives %s no comparable origin', (url) => {
    expect(originOf(url)).toBeNull()
  })
})

describe('isAllowedNavigation', () => {
  it('allows pages on the app origin, in development and when built', () => {
    expect(isAllowedNavigation('http://localhost:5173/settings#x', DEV_ORIGIN)).toBe(true)
    expect(isAllowedNavigation('app://companion/index.html', APP_ORIGIN)).toBe(true)
  })

  it.each([
    ['a host that merely starts with the app origin', 'http://localhost:5173.evil.example/'],
    ['credentials that look like the app host', 'http://localhost:5173@evil.example/'],
    ['another port', 'http://localhost:5174/'],
    ['https instead of http', 'https://localhost:5173/'],
    ['a file URL', 'file:///home/brewer/index.html'],
    ['a javascript URL', 'javascript:alert(1)'],
  ])('blocks %s', (_what, url) => {
    expect(isAllowedNavigation(url, DEV_ORIGIN)).toBe(false)
  })

  it('blocks another host on the app scheme and pages when the app origin is opaque', () => {
    expect(isAllowedNavigation('app://elsewhere/index.html', APP_ORIGIN)).toBe(false)
    expect(isAllowedNavigation('data:text/html,hi', 'null')).toBe(false)
  })
})

describe('externalUrlDecision', () => {
  it('opens https links on allow-listed origins, normalised', () => {
    expect(externalUrlDecision('https://WWW.dropbox.com/home?x=1', ALLOWED)).toEqual({
      action: 'open-external',
      url: 'https://www.dropbox.com/home?x=1',
    })
    expect(externalUrlDecision('https://github.com/org/repo#readme', ALLOWED).action).toBe(
      'open-external',
    )
  })

  it.each([
    ['plain http', 'http://www.dropbox.com/'],
    ['a look-alike host', 'https://www.dropbox.com.evil.example/'],
    ['credentials before another host', 'https://www.dropbox.com@evil.example/'],
    ['an allowed origin only in the query', 'https://evil.example/?next=https://www.dropbox.com'],
    ['another subdomain', 'https://evil.dropbox.com/'],
    ['a file URL', 'file:///etc/passwd'],
    ['the app deep-link scheme', 'fermentrack-backup://oauth/callback?code=x'],
    ['a malformed URL', 'https://'],
  ])('ignores %s', (_what, url) => {
    expect(externalUrlDecision(url, ALLOWED)).toEqual({ action: 'ignore' })
  })
})

type Options = Parameters<typeof applySecurityRestrictions>[0]

// Just enough of Electron's app, shell and WebContents for the handlers to be exercised.
function setUp() {
  const app = new EventEmitter()
  const opened: string[] = []
  const shell = { openExternal: async (url: string) => void opened.push(url) }
  applySecurityRestrictions({
    app: app as unknown as Options['app'],
    shell,
    appOrigin: APP_ORIGIN,
    allowedExternalOrigins: ALLOWED,
  })

  const contents = Object.assign(new EventEmitter(), {
    windowOpenHandler: undefined as undefined | ((details: { url: string }) => unknown),
    setWindowOpenHandler(handler: (details: { url: string }) => unknown) {
      this.windowOpenHandler = handler
    },
    session: {
      requestHandler: undefined as
        | undefined
        | ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void),
      checkHandler: undefined as undefined | (() => boolean),
      setPermissionRequestHandler(handler: NonNullable<typeof this.requestHandler>) {
        this.requestHandler = handler
      },
      setPermissionCheckHandler(handler: NonNullable<typeof this.checkHandler>) {
        this.checkHandler = handler
      },
    },
  })
  app.emit('web-contents-created', {}, contents)

  const navigate = (url: string) => {
    let prevented = false
    contents.emit('will-navigate', { url, preventDefault: () => (prevented = true) })
    return prevented
  }
  return { contents, opened, navigate }
}

describe('applySecurityRestrictions', () => {
  it('lets the app navigate within its own origin', () => {
    const { navigate, opened } = setUp()
    expect(navigate('app://companion/index.html#settings')).toBe(false)
    expect(opened).toEqual([])
  })

  it('blocks navigation elsewhere, sending allow-listed links to the browser', () => {
    const { navigate, opened } = setUp()
    expect(navigate('https://evil.example/')).toBe(true)
    expect(navigate('https://www.dropbox.com/oauth2/authorize')).toBe(true)
    expect(opened).toEqual(['https://www.dropbox.com/oauth2/authorize'])
  })

  it('denies every new window and opens only allow-listed https links externally', () => {
    const { contents, opened } = setUp()
    const open = contents.windowOpenHandler!
    expect(open({ url: 'https://github.com/fermentrack' })).toEqual({ action: 'deny' })
    expect(open({ url: 'https://evil.example/' })).toEqual({ action: 'deny' })
    expect(open({ url: 'app://companion/index.html' })).toEqual({ action: 'deny' })
    expect(opened).toEqual(['https://github.com/fermentrack'])
  })

  it('refuses to attach webviews', () => {
    const { contents } = setUp()
    let prevented = false
    contents.emit('will-attach-webview', { preventDefault: () => (prevented = true) }, {}, {})
    expect(prevented).toBe(true)
  })

  it('denies every permission request and check', () => {
    const { contents } = setUp()
    const answers: boolean[] = []
    for (const permission of ['media', 'notifications', 'clipboard-read', 'openExternal']) {
      contents.session.requestHandler!(contents, permission, (granted) => answers.push(granted))
    }
    expect(answers).toEqual([false, false, false, false])
    expect(contents.session.checkHandler!()).toBe(false)
  })
})
