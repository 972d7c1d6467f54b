/** Path rules for app-folder paths (HTTP docs "Path formats"; files.stone path aliases). */

/** Stone patterns; a mismatch is a 400 (argument validation), not a route error. */
export const WRITE_PATH_OR_ID = /^(?:(\/(.|[\r\n])*)|(ns:[0-9]+(\/.*)?)|(id:.*))$/
export const READ_PATH = /^(?:(\/(.|[\r\n])*|id:.*)|(rev:[0-9a-f]{9,})|(ns:[0-9]+(\/.*)?))$/
export const PATH_R_OR_ID = /^(?:(\/(.|[\r\n])*)?|id:.*|(ns:[0-9]+(\/.*)?))$/

// Names Dropbox refuses to store (rclone backend/dropbox, maestral); 409 disallowed_name.
const DISALLOWED = new Set([
  'desktop.ini',
  'thumbs.db',
  '.ds_store',
  'icon\r',
  '.dropbox',
  '.dropbox.attr',
])
const MAX_COMPONENT = 255

function isForbiddenChar(char: string): boolean {
  const code = char.charCodeAt(0)
  return code < 0x20 || code === 0x7f || char === '\\'
}

export interface DropboxPath {
  /** Components as the client cased them. */
  parts: string[]
  display: string
  lower: string
  name: string
}

export type PathError = 'malformed_path' | 'disallowed_name'

export function lowerPath(path: string): string {
  return path.toLowerCase()
}

export function fromParts(parts: string[]): DropboxPath {
  const display = `/${parts.join('/')}`
  return { parts, display, lower: lowerPath(display), name: parts.at(-1) ?? '' }
}

/** A file or folder path: '/' + non-empty components, no trailing slash or whitespace. */
export function parsePath(path: string): DropboxPath | PathError {
  if (!path.startsWith('/') || path === '/') return 'malformed_path'
  const parts = path.slice(1).split('/')
  for (const part of parts) {
    if (DISALLOWED.has(part.toLowerCase())) return 'disallowed_name'
  }
  for (const part of parts) {
    if (part === '' || part === '.' || part === '..') return 'malformed_path'
    if (part.length > MAX_COMPONENT || /\s$/.test(part)) return 'malformed_path'
    // Control characters, DEL and backslash are not valid in Dropbox names (rclone encodes them).
    if ([...part].some(isForbiddenChar)) return 'malformed_path'
  }
  return fromParts(parts)
}

export function parentParts(path: DropboxPath): string[] {
  return path.parts.slice(0, -1)
}

/**
 * Autorename for add/overwrite: "document.txt" -> "document (2).txt" (files.stone WriteMode).
 * Dropbox documents no rule for multi-dot names; we put the number before the last extension
 * ("a.tar.xz" -> "a.tar (2).xz"). Clients must use the returned name, never predict it.
 */
export function numberedName(name: string, n: number): string {
  const dot = name.lastIndexOf('.')
  if (dot <= 0) return `${name} (${n})`
  return `${name.slice(0, dot)} (${n})${name.slice(dot)}`
}

/** Autorename for update: "document (conflicted copy).txt" (files.stone WriteMode.update). */
export function conflictedName(name: string, n: number): string {
  const label = n === 1 ? 'conflicted copy' : `conflicted copy ${n}`
  const dot = name.lastIndexOf('.')
  if (dot <= 0) return `${name} (${label})`
  return `${name.slice(0, dot)} (${label})${name.slice(dot)}`
}
