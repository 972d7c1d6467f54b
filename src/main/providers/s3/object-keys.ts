import { AppError } from '../../../shared/app-error.ts'

/**
 * Remote paths as the app sees them ("/Fermentrack Backups/x.tar.xz", "/" the root of what the
 * connection sees) and the object keys they stand for: the connection's prefix, then the path
 * without its leading "/". S3 has no folders; "/" in a key is only a convention that
 * ListObjectsV2 with Delimiter '/' turns into CommonPrefixes.
 */
export function keyOf(prefix: string, remotePath: string): string {
  const parts = remotePath.split('/').filter(Boolean)
  if (parts.some((part) => part === '.' || part === '..'))
    throw new AppError('usage', `"${remotePath}" is not a path inside the bucket prefix.`)
  return prefix + parts.join('/')
}

/** The key prefix that lists a folder: "" for the root, else "folder/". */
export function folderKey(prefix: string, folder: string): string {
  const key = keyOf(prefix, folder)
  return key === '' || key.endsWith('/') ? key : `${key}/`
}

export function joinPath(folder: string, name: string): string {
  return `${folder.replace(/\/+$/, '')}/${name}`
}

/** The remote path of a key under the connection's prefix. */
export function pathOf(prefix: string, key: string): string {
  return `/${key.slice(prefix.length)}`
}
