/**
 * The path under a user's DAV root, "/" for the root itself, from a URL path such as
 * /remote.php/dav/files/alice/a%20b/c.tar.xz. Undefined when it is not under that root.
 */
export function pathUnder(root: string, urlPath: string): string | undefined {
  const base = root.replace(/\/$/, '')
  if (urlPath !== base && !urlPath.startsWith(`${base}/`)) return undefined
  const segments = urlPath.slice(base.length).split('/').filter(Boolean)
  try {
    const decoded = segments.map((s) => decodeURIComponent(s))
    if (decoded.some((s) => s === '.' || s === '..' || s.includes('/'))) return undefined
    return `/${decoded.join('/')}`
  } catch {
    return undefined
  }
}

/** The DAV path a Destination header names: an absolute URL (as Nextcloud's clients send) or path. */
export function destinationPath(value: string | undefined): string | undefined {
  if (!value) return undefined
  try {
    return new URL(value, 'http://destination.invalid').pathname
  } catch {
    return undefined
  }
}

export const filesRoot = (userId: string) => `/remote.php/dav/files/${encodeURIComponent(userId)}`
export const uploadsRoot = (userId: string) =>
  `/remote.php/dav/uploads/${encodeURIComponent(userId)}`
