import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { createFileFilter } from '../watch/file-filter.ts'

export interface FoundBackup {
  path: string
  mtimeMs: number
}

/**
 * The newest backup Fermentrack wrote in `dir`: names matching the patterns, temp and staging
 * names left out by the watcher's own filter, so health and the watcher agree on what counts.
 * Undefined when there is none; a missing or unreadable folder throws (the caller says why).
 */
export async function newestBackup(
  dir: string,
  options: { patterns: readonly string[]; recursive: boolean },
): Promise<FoundBackup | undefined> {
  const filter = createFileFilter(dir, options)
  const entries = await readdir(dir, { withFileTypes: true, recursive: options.recursive })
  let newest: FoundBackup | undefined
  for (const entry of entries) {
    const path = join(entry.parentPath, entry.name)
    if (!entry.isFile() || filter.isIgnored(path, entry)) continue
    // A file removed since the listing is simply not counted.
    const mtimeMs = await stat(path).then(
      (s) => s.mtimeMs,
      () => undefined,
    )
    if (mtimeMs !== undefined && (!newest || mtimeMs > newest.mtimeMs)) newest = { path, mtimeMs }
  }
  return newest
}
