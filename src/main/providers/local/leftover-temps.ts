import { lstat, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { isTempFor, TEMP_NAME, type TempSource } from './file-names.ts'

/** A temp file this old cannot belong to a copy still running: even 150 MiB over Wi-Fi is done. */
export const LEFTOVER_AGE_MS = 60 * 60 * 1000

/**
 * Removes half-written copies that a crash or power cut left in `dir`: any of `source` (the queue
 * runs one upload per file and destination, so an earlier one is dead) but `resuming`, the one
 * this upload continues, and any other file's older than an hour (a same-named backup from
 * elsewhere may be in the middle of its own copy). Best effort: a temp that cannot be removed
 * only costs space.
 */
export async function removeLeftoverTemps(
  dir: string,
  source: TempSource,
  resuming?: string,
  now = Date.now(),
) {
  let entries: string[]
  try {
    entries = await readdir(dir)
  } catch {
    return
  }
  for (const entry of entries) {
    if (!TEMP_NAME.test(entry) || entry === resuming) continue
    const path = join(dir, entry)
    if (!isTempFor(entry, source)) {
      const info = await lstat(path).catch(() => undefined)
      if (!info?.isFile() || now - info.mtimeMs < LEFTOVER_AGE_MS) continue
    }
    await rm(path, { force: true }).catch(() => {})
  }
}
