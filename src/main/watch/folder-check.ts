import { constants } from 'node:fs'
import { access, opendir, stat } from 'node:fs/promises'
import { AppError } from '../../shared/app-error.ts'

export type FolderCheck = { ok: true; identity: string } | { ok: false; error: AppError }

/**
 * Whether the watched folder can be watched right now: it exists, is a folder, and can be listed
 * and entered. `identity` (device and inode) tells a folder that was removed and re-created, or a
 * NAS share mounted over it, from the one being watched.
 */
export async function checkFolder(dir: string, whileWatching = false): Promise<FolderCheck> {
  try {
    const info = await stat(dir)
    if (!info.isDirectory()) return unavailable(`"${dir}" is a file, not a folder.`)
    await access(dir, constants.R_OK | constants.X_OK)
    // access() trusts mode bits; opening the directory is what a scan will really do.
    await (await opendir(dir)).close()
    return { ok: true, identity: `${info.dev}:${info.ino}` }
  } catch (error) {
    return unavailable(describe(dir, error, whileWatching), error)
  }
}

/** The folder was swapped for another one (removed and re-created, or a share mounted over it). */
export function replacedError(dir: string): AppError {
  return new AppError(
    'watch_folder_unavailable',
    `The watched folder "${dir}" was replaced while being watched; watching it again.`,
  )
}

export function removedError(dir: string, cause?: unknown): AppError {
  return new AppError('watch_folder_unavailable', removedDetail(dir), { cause })
}

function removedDetail(dir: string): string {
  return `The watched folder "${dir}" was removed, renamed or unmounted while being watched.`
}

function describe(dir: string, error: unknown, whileWatching: boolean): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  switch (code) {
    case 'ENOENT':
      return whileWatching ? removedDetail(dir) : `The watched folder "${dir}" does not exist.`
    case 'ENOTDIR':
      return `A part of the path "${dir}" is a file, not a folder.`
    case 'EACCES':
    case 'EPERM':
      return `The watched folder "${dir}" cannot be read: permission denied.`
    default:
      return `The watched folder "${dir}" cannot be read (${code ?? String(error)}).`
  }
}

function unavailable(detail: string, cause?: unknown): FolderCheck {
  return { ok: false, error: new AppError('watch_folder_unavailable', detail, { cause }) }
}
