import { AppError } from '../../../shared/app-error.ts'

/** files.stone CommitInfo, limited to what a backup upload sets. */
export interface CommitInfo {
  path: string
  mode: 'add'
  autorename: false
  client_modified: string
}

/**
 * common.stone DropboxTimestamp is "%Y-%m-%dT%H:%M:%SZ": Dropbox refuses the milliseconds that
 * toISOString() adds, so they are cut (rounding down, as rclone does).
 */
export function dropboxTimestamp(epochMs: number): string {
  const whole = new Date(Math.floor(epochMs / 1000) * 1000).toISOString()
  return `${whole.slice(0, 19)}Z`
}

/**
 * mode add + autorename false: an existing different file makes the commit fail with a conflict
 * we resolve ourselves (so we know the final name); identical content is not a conflict at all.
 */
export function commitInfo(path: string, mtimeMs: number): CommitInfo {
  return { path, mode: 'add', autorename: false, client_modified: dropboxTimestamp(mtimeMs) }
}

/** App-folder paths: "" is the root, everything else starts with "/" and has no trailing "/". */
export function remotePath(folder: string, name: string): string {
  const trimmed = folder.replace(/\/+$/, '')
  if (trimmed !== '' && !trimmed.startsWith('/')) {
    throw new AppError('usage', `The Dropbox folder "${folder}" must start with "/".`)
  }
  if (name === '' || name.includes('/')) {
    throw new AppError('usage', `"${name}" is not a file name Dropbox can store.`)
  }
  return `${trimmed}/${name}`
}
