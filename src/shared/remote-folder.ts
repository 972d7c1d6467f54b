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

/** A remote folder at a destination, and the Fermentrack whose own folder it is (if any). */
export interface FolderAt {
  folder: string
  source: { id: string; label: string } | null
}

/**
 * The backup folders at one destination: its own folder (dropped files, and a Fermentrack with
 * no subfolder), then each Fermentrack's own subfolder that uploads to it. Listing, restore and
 * retention all look in exactly these.
 */
export function foldersAt(
  target: string,
  sources: readonly {
    id: string
    label: string
    remoteSubfolder: string | null
    destinations: string[] | null
  }[],
  connectionId: string,
): FolderAt[] {
  const folders: FolderAt[] = [{ folder: target, source: null }]
  for (const source of sources) {
    if (source.destinations && !source.destinations.includes(connectionId)) continue
    const folder = sourceFolder(target, source)
    const known = folders.find((f) => f.folder === folder)
    const named = { id: source.id, label: source.label }
    if (!known) folders.push({ folder, source: named })
    else known.source ??= named
  }
  return folders
}
