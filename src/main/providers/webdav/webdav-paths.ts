import { AppError } from '../../../shared/app-error.ts'

/**
 * Remote paths are absolute and relative to the folder URL the user connected ("/" is that
 * folder itself), as `RemoteFile.remotePath`, `list`, `download` and `remove` use them. This
 * module turns them into request URLs and turns the servers' hrefs back into them.
 */

/** The folder URL with exactly one trailing slash, so relative resolution stays inside it. */
export function folderUrl(url: string): string {
  return url.replace(/\/*$/, '/')
}

/** The parts of a remote path; "." and ".." are refused, as a remote path never climbs out. */
export function segments(remotePath: string): string[] {
  const parts = remotePath.split('/').filter((part) => part !== '')
  if (parts.some((part) => part === '.' || part === '..' || part.includes('\0')))
    throw new AppError('usage', `"${remotePath}" is not a path inside the WebDAV folder.`)
  return parts
}

export function joinPath(folder: string, name: string): string {
  return `/${[...segments(folder), name].join('/')}`
}

/** The request URL of a remote path; folders end in "/" (Apache redirects a folder without). */
export function urlOf(base: string, remotePath: string, isFolder = false): string {
  const parts = segments(remotePath).map(encodeURIComponent)
  const tail = parts.join('/') + (isFolder && parts.length > 0 ? '/' : '')
  return new URL(tail, folderUrl(base)).href
}

/**
 * The remote path an href from a PROPFIND answer names, or undefined when it lies outside the
 * connected folder. Servers answer with an absolute path ("/dav/x") or a whole URL, percent-encoded.
 */
export function pathOfHref(base: string, href: string): string | undefined {
  const root = decodeURIComponent(new URL(folderUrl(base)).pathname)
  const path = decodeURIComponent(new URL(href, folderUrl(base)).pathname)
  if (!path.startsWith(root) && `${path}/` !== root) return undefined
  return `/${segments(path.slice(root.length)).join('/')}`
}

/** A backup's name must be one path part: no separator, nothing a server would read as a path. */
export function checkName(name: string): void {
  if (name === '' || name === '.' || name === '..' || /[/\0]/.test(name))
    throw new AppError('destination_unavailable', `"${name}" cannot be used as a file name.`)
}
