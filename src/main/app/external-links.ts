// Which addresses the app hands to the system browser. Everything else stays closed.
import type { Shell } from 'electron'
import { AppError } from '../../shared/app-error.ts'
import type { Logger } from '../log/logger.ts'
import { externalUrlDecision } from './security-restrictions.ts'

export const DROPBOX_ORIGIN = 'https://www.dropbox.com'

/** Dropbox (sign-in, account pages) and the project's documentation (package.json homepage). */
export function externalOrigins(homepage: string): string[] {
  return [DROPBOX_ORIGIN, new URL(homepage).origin]
}

/**
 * Whether a sign-in may open `url`: Dropbox's https authorize page, or, only while
 * FTB_DROPBOX_AUTH_URL points the app at a local emulator, that emulator over loopback http.
 */
export function isAllowedAuthorizeUrl(url: string, env: NodeJS.ProcessEnv): boolean {
  const parsed = URL.parse(url)
  if (parsed === null) return false
  if (parsed.protocol === 'https:' && parsed.origin === DROPBOX_ORIGIN) return true
  const testEndpoint = env.FTB_DROPBOX_AUTH_URL ? URL.parse(env.FTB_DROPBOX_AUTH_URL) : null
  return (
    testEndpoint !== null &&
    parsed.protocol === 'http:' &&
    parsed.hostname === '127.0.0.1' &&
    parsed.origin === testEndpoint.origin
  )
}

export interface BrowserOpenerOptions {
  shell: Pick<Shell, 'openExternal'>
  env: NodeJS.ProcessEnv
  allowedOrigins: readonly string[]
  log: Logger
}

/** The companion service's openBrowser and openExternal, each behind its allow-list. */
export function browserOpeners({ shell, env, allowedOrigins, log }: BrowserOpenerOptions) {
  return {
    openBrowser: async (url: string): Promise<void> => {
      if (!isAllowedAuthorizeUrl(url, env)) {
        throw refused('The sign-in page is not on www.dropbox.com; check FTB_DROPBOX_AUTH_URL.')
      }
      // The window also shows the address, so a browser that won't start costs a copy-paste,
      // not the sign-in.
      await shell.openExternal(url).catch((error: unknown) => {
        log.warn('could not open the browser for the sign-in', { error })
      })
    },
    openExternal: async (url: string): Promise<void> => {
      const decision = externalUrlDecision(url, allowedOrigins)
      if (decision.action !== 'open-external') {
        throw refused(
          'Only https links to Dropbox and the project documentation open from the app.',
        )
      }
      await shell.openExternal(decision.url)
    },
  }
}

function refused(message: string): AppError {
  return AppError.fromPayload({ code: 'link_refused', message })
}
