import { realpath, stat } from 'node:fs/promises'
import { isAbsolute, relative, resolve } from 'node:path'
import { AppError } from '../../shared/app-error.ts'

/** The settings that name a folder on this machine (each source's folder is checked too). */
export const FOLDER_SETTINGS = ['localDestination'] as const
/** The key of a setting that names a folder. */
export type FolderSetting = string

/**
 * Decides which folders the window may put into a setting. The window is a web page: if it were
 * ever subverted it must not point the app at a made-up path, or at FTB_HOME, where the tokens
 * and the queue live (watching it would upload them; copying into it would fill it). Main trusts
 * what its own folder picker returned, the value already set, and a typed path only when it is a
 * full path to an existing folder outside FTB_HOME.
 */
export class FolderPathCheck {
  private readonly home: string
  /** Every folder the picker returned in this session. */
  private readonly picked = new Set<string>()

  constructor(home: string) {
    this.home = home
  }

  /** Notes a folder the user chose in the picker; passes the picker's answer through. */
  remember(chosen: string | null): string | null {
    if (chosen !== null) this.picked.add(chosen)
    return chosen
  }

  /**
   * Each source's folder in `next`, checked as a folder setting of its own: one the source had
   * already (or another source watched) passes, as a value already set does.
   */
  async checkSources(
    next: ReadonlyArray<{ id: string; label: string; folder: string }>,
    before: ReadonlyArray<{ id: string; folder: string }>,
  ): Promise<void> {
    for (const source of next) {
      const current = before.find((s) => s.folder === source.folder)?.folder ?? null
      await this.check('sources', source.folder, current, `The folder of "${source.label}"`)
    }
  }

  /** Resolves if `value` may be stored in `key`; otherwise an invalid_setting naming why. */
  async check(
    key: FolderSetting,
    value: string | null,
    current: string | null,
    name = `"${key}"`,
  ): Promise<void> {
    if (value === null || value === current || this.picked.has(value)) return
    if (!isAbsolute(value)) throw refused(name, value, 'is not a full path')
    const info = await stat(value).catch(() => undefined)
    if (!info) throw refused(name, value, 'does not exist')
    if (!info.isDirectory()) throw refused(name, value, 'is not a folder')
    if (await isWithin(value, this.home)) {
      throw refused(name, value, `is inside the app's own data folder (${this.home})`)
    }
  }
}

function refused(name: string, value: string, reason: string): AppError {
  return new AppError(
    'invalid_setting',
    `${name} cannot be "${value}": it ${reason}. Pick the folder with Choose…, or type the full path of an existing folder outside the app's data folder.`,
  )
}

/** True if `path` is `folder` or below it, symbolic links followed (a link into it counts). */
async function isWithin(path: string, folder: string): Promise<boolean> {
  const [real, realFolder] = await Promise.all([canonical(path), canonical(folder)])
  const rel = relative(realFolder, real)
  return rel === '' || (!/^\.\.(?:[\\/]|$)/.test(rel) && !isAbsolute(rel))
}

async function canonical(path: string): Promise<string> {
  return realpath(path).catch(() => resolve(path))
}
