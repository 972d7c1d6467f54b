// Which addresses the app hands to the system browser. Everything else stays closed.
import type { Shell } from 'electron'
import { AppError } from '../../shared/app-error.ts'
import type { ProviderSettingsView } from '../../shared/provider-settings.ts'
import type { Logger } from '../log/logger.ts'

/** The project's documentation (package.json homepage): the only origin allowed at all times. */
export function docsOrigins(homepage: string): string[] {
  return [new URL(homepage).origin]
}

/** Plain http is allowed only to this machine, and only for an endpoint that was configured. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

/**
 * What may open: https pages on `origins`, and http pages on `loopbackOrigins` (test servers on
 * this machine that a setting or the environment named). Origins are compared whole, never as
 * string prefixes, so "https://www.dropbox.com.evil.example" is not Dropbox.
 */
export interface LinkAllowList {
  origins: readonly string[]
  loopbackOrigins: readonly string[]
}

/** The address to open, normalised, or null when the allow-list does not hold it. */
export function allowedLink(url: string, allow: LinkAllowList): string | null {
  const parsed = URL.parse(url)
  if (parsed === null) return null
  if (parsed.protocol === 'https:' && allow.origins.includes(parsed.origin)) return parsed.href
  if (
    parsed.protocol === 'http:' &&
    LOOPBACK_HOSTS.has(parsed.hostname) &&
    allow.loopbackOrigins.includes(parsed.origin)
  )
    return parsed.href
  return null
}

/** Sorts configured addresses into the allow-list: https origins, or loopback http origins. */
export function allowListOf(urls: readonly string[]): LinkAllowList {
  const origins: string[] = []
  const loopbackOrigins: string[] = []
  for (const url of urls) {
    const parsed = URL.parse(url)
    if (parsed?.protocol === 'https:') origins.push(parsed.origin)
    else if (parsed?.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname))
      loopbackOrigins.push(parsed.origin)
  }
  return { origins, loopbackOrigins }
}

/** The authorization URL of each OAuth provider that is enabled now, as configured. */
export async function enabledAuthorizationUrls(providers: {
  views(): Promise<ProviderSettingsView[]>
}): Promise<string[]> {
  const views = await providers.views()
  return views.flatMap((v) => (v.is_enabled && v.oauth ? [v.oauth.authorizationUrl] : []))
}

export interface ExternalLinksOptions {
  shell: Pick<Shell, 'openExternal'>
  /** https origins of the project documentation. */
  docsOrigins: readonly string[]
  /** Read at each request, so a provider configured in the window is allowed at once. */
  authorizationUrls: () => Promise<string[]>
  log: Logger
}

/**
 * The companion service's way to the system browser, behind one allow-list: the documentation,
 * each enabled OAuth provider's authorization URL, and a login-flow server's login page while
 * that sign-in runs.
 */
export class ExternalLinks {
  private readonly options: ExternalLinksOptions
  /** Login pages of sign-ins running now, each counted so two sign-ins release independently. */
  private readonly loginPages = new Map<string, number>()

  constructor(options: ExternalLinksOptions) {
    this.options = options
  }

  /**
   * Allows a login-flow server's login page origin until the returned function is called (the
   * sign-in ended). An address that is neither https nor loopback http is never allowed.
   */
  allowLoginPage(url: string): () => void {
    const { origins, loopbackOrigins } = allowListOf([url])
    const origin = origins[0] ?? loopbackOrigins[0]
    if (origin === undefined) return () => {}
    this.loginPages.set(origin, (this.loginPages.get(origin) ?? 0) + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      const left = (this.loginPages.get(origin) ?? 1) - 1
      if (left > 0) this.loginPages.set(origin, left)
      else this.loginPages.delete(origin)
    }
  }

  /** A sign-in page: refused unless allowed; a browser that will not start is only logged. */
  async openBrowser(url: string): Promise<void> {
    const allowed = await this.check(url)
    // The window also shows the address, so a browser that won't start costs a copy-paste,
    // not the sign-in.
    await this.options.shell.openExternal(allowed).catch((error: unknown) => {
      this.options.log.warn('could not open the browser for the sign-in', { error })
    })
  }

  async openExternal(url: string): Promise<void> {
    await this.options.shell.openExternal(await this.check(url))
  }

  private async check(url: string): Promise<string> {
    const configured = allowListOf([
      ...(await this.options.authorizationUrls()),
      ...this.loginPages.keys(),
    ])
    const allowed = allowedLink(url, {
      origins: [...this.options.docsOrigins, ...configured.origins],
      loopbackOrigins: configured.loopbackOrigins,
    })
    if (allowed === null)
      throw AppError.fromPayload({
        code: 'link_refused',
        message:
          "Only https links to the project documentation and to a configured provider's sign-in page open from the app.",
      })
    return allowed
  }
}
