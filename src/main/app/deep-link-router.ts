import { AppError, isAppError } from '../../shared/app-error.ts'
import { SCHEME } from '../auth/callback-url.ts'

/** Registered by unpackaged runs, so a dev build never takes over the installed app's links. */
export const DEV_SCHEME = `${SCHEME}-dev`

/** The schemes this build answers to: a dev run takes links of both forms. */
export function acceptedSchemes(isPackaged: boolean): readonly string[] {
  return isPackaged ? [SCHEME] : [SCHEME, DEV_SCHEME]
}

/**
 * A deep link in the form the OAuth receiver checks (fermentrack-backup://…), or null when `raw`
 * is not one of ours. The receiver compares the redirect URI exactly, and Dropbox only ever
 * redirects to the production form, so a dev-scheme link is rewritten rather than the receiver
 * taught a second scheme.
 */
export function toReceiverUrl(raw: string, schemes: readonly string[]): string | null {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(raw)
  if (!match || !schemes.includes(match[1]!.toLowerCase())) return null
  return SCHEME + raw.slice(match[1]!.length)
}

/** Chromium and the OS may reorder or pad a command line, so every argument is looked at. */
export function findDeepLink(argv: readonly string[], schemes: readonly string[]): string | null {
  for (const arg of argv) {
    const url = toReceiverUrl(arg, schemes)
    if (url !== null) return url
  }
  return null
}

export type DeliverUrl = (url: string) => Promise<void>

/** Links that arrive before the engine exists wait; a few are plenty for one sign-in. */
const MAX_BUFFERED = 8

/**
 * Routes deep links to the sign-in waiting for them. Links can arrive before the app is ready
 * (macOS open-url at launch, a cold-start argv), so they are held until `ready` gives the way to
 * deliver them. Failures go to `onFailed`; links are never logged (they carry the auth code).
 */
export class DeepLinkRouter {
  private readonly onFailed: (error: AppError) => void
  private deliver: DeliverUrl | undefined
  private buffered: string[] = []

  constructor(onFailed: (error: AppError) => void) {
    this.onFailed = onFailed
  }

  receive(url: string): void {
    if (this.deliver) return void this.send(this.deliver, url)
    if (this.buffered.length < MAX_BUFFERED) this.buffered.push(url)
  }

  ready(deliver: DeliverUrl): void {
    this.deliver = deliver
    const waiting = this.buffered
    this.buffered = []
    for (const url of waiting) void this.send(deliver, url)
  }

  private async send(deliver: DeliverUrl, url: string): Promise<void> {
    try {
      await deliver(url)
    } catch (error) {
      this.onFailed(isAppError(error) ? error : new AppError('no_sign_in_waiting'))
    }
  }
}

/**
 * Tries each home in turn: the app's own, then the CLI's when it differs (a `connect` in a
 * terminal waits there). The first home with a waiting sign-in decides the outcome.
 */
export async function deliverToWaitingSignIn(
  homes: readonly string[],
  url: string,
  sendOpenUrl: (home: string, url: string) => Promise<void>,
): Promise<void> {
  for (const home of new Set(homes)) {
    try {
      return await sendOpenUrl(home, url)
    } catch (error) {
      if (!isAppError(error, 'no_sign_in_waiting')) throw error
    }
  }
  throw new AppError('no_sign_in_waiting')
}
