// Electron's security checklist applied to every web contents the app creates (see
// shared/reference/electron.md). Electron objects come in as arguments and are imported as types
// only, so the decisions here run under plain Node in tests.
import type { App, Shell, WebContents } from 'electron'

/**
 * The origin of `url` for comparison, or null when it has none that can be compared.
 *
 * WHATWG URL gives an opaque origin ("null") to every scheme it doesn't know, including the
 * app's own `app://companion`, which Chromium treats as a proper origin because the scheme is
 * registered as standard. For such URLs the origin is built from scheme and host; URLs without a
 * host (file:, data:, about:blank, javascript:) have no comparable origin.
 */
export function originOf(url: string): string | null {
  const parsed = URL.parse(url)
  if (parsed === null) return null
  if (parsed.origin !== 'null') return parsed.origin
  if (parsed.host === '') return null
  return `${parsed.protocol}//${parsed.host}`
}

/** Whether a window showing the app may navigate to `url`: only within the app's own origin. */
export function isAllowedNavigation(url: string, appOrigin: string): boolean {
  const origin = originOf(url)
  return origin !== null && origin === appOrigin
}

export type ExternalUrlDecision = { action: 'open-external'; url: string } | { action: 'ignore' }

/**
 * Whether a link the app tried to open should go to the system browser. Only https URLs on an
 * allow-listed origin do; everything else (other schemes, other origins, malformed URLs) is ignored.
 */
export function externalUrlDecision(
  url: string,
  allowedOrigins: readonly string[],
): ExternalUrlDecision {
  const parsed = URL.parse(url)
  if (parsed === null || parsed.protocol !== 'https:') return { action: 'ignore' }
  if (!allowedOrigins.includes(parsed.origin)) return { action: 'ignore' }
  return { action: 'open-external', url: parsed.href }
}

export interface SecurityRestrictionsOptions {
  app: Pick<App, 'on'>
  shell: Pick<Shell, 'openExternal'>
  /** The renderer's origin: the dev server's in development, `app://companion` when built. */
  appOrigin: string
  /** https origins whose links open in the system browser. */
  allowedExternalOrigins: readonly string[]
}

export function applySecurityRestrictions(options: SecurityRestrictionsOptions): void {
  const { app, shell, appOrigin, allowedExternalOrigins } = options

  const openIfAllowed = (url: string): void => {
    const decision = externalUrlDecision(url, allowedExternalOrigins)
    if (decision.action === 'open-external') void shell.openExternal(decision.url)
  }

  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event) => {
      if (isAllowedNavigation(event.url, appOrigin)) return
      event.preventDefault()
      // A plain link to the documentation still works: it opens in the browser instead.
      openIfAllowed(event.url)
    })

    // No new Electron windows from web content, ever; allow-listed links go to the browser.
    contents.setWindowOpenHandler(({ url }) => {
      openIfAllowed(url)
      return { action: 'deny' }
    })

    contents.on('will-attach-webview', (event) => event.preventDefault())

    // Nothing the app shows needs camera, notifications from the page, clipboard, etc.
    // Setting the handlers again for a session that already has them is harmless.
    contents.session.setPermissionRequestHandler((_contents, _permission, callback) =>
      callback(false),
    )
    contents.session.setPermissionCheckHandler(() => false)
  })
}
