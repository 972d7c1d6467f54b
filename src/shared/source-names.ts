/**
 * Names for a Fermentrack source (one Pi's backup folder): its stable id and the remote subfolder
 * its backups go to. Shared so the CLI, main and the window suggest the same names.
 */

/** A remote subfolder: one or more "/"-separated parts, none empty, "." or "..". */
export const REMOTE_SUBFOLDER = /^(?!\.{1,2}(?:\/|$))[^/]+(?:\/(?!\.{1,2}(?:\/|$))[^/]+)*$/

/** A source id: lower-case letters, digits and dashes, as the CLI takes it on the command line. */
export const SOURCE_ID = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/

/** A full path on this machine: "/…" on Linux and macOS, "C:\…" or "\\server\…" on Windows. */
export const ABSOLUTE_PATH = /^(?:\/|[A-Za-z]:[\\/]|\\\\)/

/**
 * The remote subfolder a new source suggests from its label: the label with the characters that
 * Dropbox, SMB shares or Windows refuse in a name made harmless, so "Brewhouse 1" stays as is and
 * "Test/Pi: 2" becomes "Test-Pi- 2". Null when nothing usable is left.
 */
export function remoteSubfolderFromLabel(label: string): string | null {
  const cleaned = label
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f<>:"/\\|?*]/g, '-')
    .trim()
    // A trailing dot or space is dropped silently by Windows and SMB: the name would not match.
    .replace(/[. ]+$/, '')
  return cleaned === '' || /^\.+$/.test(cleaned) ? null : cleaned
}

/** A short id for a new source from its label ("Brewhouse 1" → "brewhouse-1"), unique among `taken`. */
export function sourceIdFromLabel(label: string, taken: readonly string[]): string {
  const slug =
    label
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 32)
      .replace(/-+$/, '') || 'source'
  let id = slug
  for (let n = 2; taken.includes(id); n++) id = `${slug}-${n}`
  return id
}

/**
 * The first Fermentrack set up in the window: its backups go straight into each destination's
 * folder, as a single watched folder's always did.
 */
export function firstSource(folder: string) {
  return {
    id: 'fermentrack',
    label: 'Fermentrack',
    folder,
    remoteSubfolder: null,
    destinations: null,
  }
}
