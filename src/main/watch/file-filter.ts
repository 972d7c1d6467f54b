import { isAbsolute, matchesGlob, relative } from 'node:path'

export const DEFAULT_PATTERNS: readonly string[] = ['*.tar.xz', '*.zip']

/** Fermentrack 1 assembles each archive in backup_files/staging/ before moving it up. */
const STAGING_DIR = 'staging'

// Names a writer uses while a file is incomplete, or that are not backups at all: dotfiles
// (rsync and our own temp files), "*.part" / "*.tmp" downloads and copies, "~*" lock files.
function isTemporaryName(name: string): boolean {
  const lower = name.toLowerCase()
  return (
    name.startsWith('.') ||
    name.startsWith('~') ||
    lower.endsWith('.part') ||
    lower.endsWith('.tmp')
  )
}

/** Stats as chokidar passes them to `ignored`: sometimes absent on a first call for a path. */
interface EntryStats {
  isFile(): boolean
  isDirectory(): boolean
}

export interface FileFilter {
  /** True for a file name that is a backup to report. */
  isCandidate(name: string): boolean
  /** chokidar's `ignored` test for a path under the root. */
  isIgnored(path: string, stats?: EntryStats): boolean
}

/**
 * Patterns are globs matched against the file NAME only (path.matchesGlob, stable and silent on
 * Node 24), case-insensitively: a backup copied through Windows may come back as "X.TAR.XZ".
 */
export function createFileFilter(
  root: string,
  options: { patterns?: readonly string[]; recursive?: boolean },
): FileFilter {
  const given = options.patterns?.filter((pattern) => pattern.trim() !== '') ?? []
  const patterns = (given.length > 0 ? given : DEFAULT_PATTERNS).map((p) => p.toLowerCase())
  const recursive = options.recursive ?? false

  const isCandidate = (name: string): boolean => {
    if (isTemporaryName(name)) return false
    const lower = name.toLowerCase()
    return patterns.some((pattern) => matchesGlob(lower, pattern))
  }
  const isIgnoredDir = (name: string) => isTemporaryName(name) || name === STAGING_DIR

  const isIgnored = (path: string, stats?: EntryStats): boolean => {
    const rel = relative(root, path)
    // The root itself, and the folders above it that chokidar watches when the root is missing.
    if (rel === '' || /^\.\.(?:[\\/]|$)/.test(rel) || isAbsolute(rel)) return false
    const parts = rel.split(/[\\/]/)
    const name = parts.pop() ?? ''
    if (parts.some(isIgnoredDir)) return true
    if (stats?.isDirectory()) return !recursive || isIgnoredDir(name)
    if (stats?.isFile()) return !isCandidate(name)
    // No stats yet: it may be a folder, which only a recursive watch wants to enter.
    if (isIgnoredDir(name)) return true
    return !recursive && !isCandidate(name)
  }

  return { isCandidate, isIgnored }
}
