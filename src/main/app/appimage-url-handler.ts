// An AppImage is not installed, so nothing registers its .desktop entry and its
// fermentrack-backup: handler. The app writes a handler entry of its own, pointing at the image.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { SCHEME } from '../auth/callback-url.ts'
import type { Logger } from '../log/logger.ts'
import { desktopEntry, execLine } from './desktop-entry.ts'

export const URL_HANDLER_FILE_NAME = 'fermentrack-backup-companion-url-handler.desktop'
export const SCHEME_MIME_TYPE = `x-scheme-handler/${SCHEME}`

/** $XDG_DATA_HOME/applications (~/.local/share/applications unless set to an absolute path). */
export function urlHandlerFile(env: NodeJS.ProcessEnv, home = os.homedir()): string {
  const dataHome = env.XDG_DATA_HOME
  const base = dataHome && path.isAbsolute(dataHome) ? dataHome : path.join(home, '.local', 'share')
  return path.join(base, 'applications', URL_HANDLER_FILE_NAME)
}

export function urlHandlerEntry(appImage: string): string {
  return desktopEntry({
    Type: 'Application',
    Name: 'Fermentrack Backup Companion (sign-in links)',
    Exec: execLine([appImage], ['%U']),
    Icon: 'fermentrack-backup-companion',
    Terminal: 'false',
    // A handler only: no second launcher in the applications menu.
    NoDisplay: 'true',
    MimeType: `${SCHEME_MIME_TYPE};`,
  })
}

export interface AppImageUrlHandlerOptions {
  env: NodeJS.ProcessEnv
  /** Runs a helper such as xdg-mime; failures are logged, never fatal. */
  run: (command: string, args: string[]) => Promise<void>
  log: Logger
  home?: string
}

/**
 * Writes the handler entry when running as an AppImage ($APPIMAGE set) and makes it the default
 * for the scheme. Rewritten only when the image has moved, so a normal start changes nothing.
 * Returns the file written, or null when there was nothing to do.
 */
export async function installAppImageUrlHandler(
  options: AppImageUrlHandlerOptions,
): Promise<string | null> {
  const { env, run, log } = options
  const appImage = env.APPIMAGE
  if (!appImage) return null
  const file = urlHandlerFile(env, options.home)
  const entry = urlHandlerEntry(appImage)
  const existing = await readFile(file, 'utf8').catch(() => null)
  if (existing === entry) return null
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, entry, { mode: 0o644 })
  for (const [command, args] of [
    ['xdg-mime', ['default', URL_HANDLER_FILE_NAME, SCHEME_MIME_TYPE]],
    ['update-desktop-database', [path.dirname(file)]],
  ] as const) {
    await run(command, [...args]).catch((error: unknown) =>
      log.warn('could not register the sign-in link handler', { command, error }),
    )
  }
  log.info('registered the AppImage as the sign-in link handler', { file })
  return file
}
