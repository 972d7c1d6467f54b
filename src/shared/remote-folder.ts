/** A folder path inside the destination: "/" alone, or "/a/b" with no empty or trailing part. */
export const REMOTE_FOLDER = /^\/(?:[^/]+(?:\/[^/]+)*)?$/

/**
 * The remote folder a backup from `subfolder` (below the watched folder, "/"-separated) goes to:
 * the same path under `base`, so "a/x.tar.xz" lands at "/Fermentrack Backups/a/x.tar.xz".
 */
export function remoteFolderFor(base: string, subfolder?: string): string {
  if (!subfolder) return base
  return base === '/' ? `/${subfolder}` : `${base}/${subfolder}`
}

/** Where a source's backups go below a destination's folder: its subfolder, if it has one. */
export function sourceFolder(target: string, source?: { remoteSubfolder: string | null }): string {
  return remoteFolderFor(target, source?.remoteSubfolder ?? undefined)
}
