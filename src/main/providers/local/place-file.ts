import { link as fsLink, lstat, open, rename, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { sha256File as hashFile } from '../../uploads/file-sha256.ts'
import { conflictName } from '../../uploads/conflict-name.ts'
import { destinationError, isErrno } from './local-errors.ts'

export type LinkFn = (existingPath: string, newPath: string) => Promise<void>

/** Dropbox-style "keep both" has to stop somewhere; a folder this crowded is a misconfiguration. */
const MAX_COPIES = 1000

// link(2) answers these where the file system has no hard links (FAT/exFAT, some SMB mounts).
const NO_HARD_LINKS = ['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']

/** A file already at the destination with the same content as ours (size first: it is free). */
export async function holdsSameContent(
  path: string,
  size: number,
  contentHash: () => Promise<string>,
  signal: AbortSignal,
): Promise<boolean> {
  try {
    const info = await lstat(path)
    if (!info.isFile() || info.size !== size) return false
    return (await hashFile(path, signal)) === (await contentHash())
  } catch (error) {
    throw destinationError(path, error)
  }
}

export type Slot = { path: string; free: true } | { path: string; free: false; identical: true }

/**
 * Walks "name", "name (2)", … to the first name that is free, or that already holds this content
 * (then nothing needs writing: the exactly-once retry after a crash lands here).
 */
export async function findSlot(
  dir: string,
  name: string,
  start: number,
  same: (path: string) => Promise<boolean>,
): Promise<{ slot: Slot; copy: number }> {
  for (let copy = start; copy <= MAX_COPIES; copy++) {
    const path = join(dir, conflictName(name, copy))
    if (!(await exists(path))) return { slot: { path, free: true }, copy }
    if (await same(path)) return { slot: { path, free: false, identical: true }, copy }
  }
  throw destinationError(join(dir, name), new Error(`more than ${MAX_COPIES} copies`))
}

/**
 * Gives `temp` the name `target` only if nothing holds it: link(2) fails with EEXIST rather than
 * replace, and the name appears complete or not at all. Without hard links, an O_EXCL create
 * claims the name and rename(2) swaps our content over our own empty placeholder; a crash in
 * between leaves that empty file, which a retry treats as a different file and steps past.
 * Returns false when the name was taken.
 */
export async function claimName(temp: string, target: string, link: LinkFn): Promise<boolean> {
  try {
    await link(temp, target)
    await unlink(temp).catch(() => {})
    return true
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false
    if (!isErrno(error, ...NO_HARD_LINKS)) throw destinationError(target, error)
  }
  try {
    await (await open(target, 'wx')).close()
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false
    throw destinationError(target, error)
  }
  try {
    await rename(temp, target)
    return true
  } catch (error) {
    await unlink(target).catch(() => {})
    throw destinationError(target, error)
  }
}

export const defaultLink: LinkFn = fsLink

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path)
    return true
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false
    throw destinationError(path, error)
  }
}
