import { randomBytes } from 'node:crypto'
import { chmod, mkdir, open, rename, stat, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

// Windows has no POSIX modes (the file is protected by the profile's ACL instead); stat there
// reports 0o666 for every file, so the mode checks below would never pass.
export const POSIX_MODES = process.platform !== 'win32'

/** True when group or others have any access to the file or directory. */
export function isWiderThanOwner(mode: number): boolean {
  return POSIX_MODES && (mode & 0o077) !== 0
}

/** Creates the directory as 0700, or narrows an existing one; returns true if it had to narrow. */
export async function ensureOwnerOnlyDir(dir: string): Promise<boolean> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  if (!isWiderThanOwner((await stat(dir)).mode)) return false
  await chmod(dir, 0o700)
  return true
}

/**
 * Replaces `path` with `text` so that a reader sees the old file or the new one, never half of
 * one, and a crash never leaves a world-readable copy: the temp file is 0600 from its creation,
 * sits in the same directory (rename is atomic only within a file system), and is synced
 * before the rename.
 */
export async function writeOwnerOnlyFile(path: string, text: string): Promise<void> {
  const dir = dirname(path)
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  const handle = await open(temp, 'wx', 0o600)
  try {
    // The umask can only remove bits, but a umask that removes the owner's would lock us out.
    if (POSIX_MODES) await handle.chmod(0o600)
    await handle.writeFile(text, 'utf8')
    await handle.sync()
    await handle.close()
    await rename(temp, path)
  } catch (error) {
    await handle.close().catch(() => {})
    await unlink(temp).catch(() => {})
    throw error
  }
  await syncDir(dir)
}

// Makes the rename itself durable. Windows cannot open a directory to sync it.
async function syncDir(dir: string): Promise<void> {
  if (!POSIX_MODES) return
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
