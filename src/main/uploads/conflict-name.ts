/** Extensions that belong together, so "a.tar.xz" becomes "a (2).tar.xz", not "a.tar (2).xz". */
const COMPOUND = /\.tar\.(?:xz|gz|bz2|zst)$/i

/** NAME_MAX on ext4, XFS, Btrfs, NTFS via SMB…, and Dropbox's limit for a path component. */
export const MAX_NAME_BYTES = 255

/**
 * The name of copy `copy` of a file: 1 is the name itself, then Dropbox's "keep both" style,
 * "name (2).ext", "name (3).ext", … with the number before the whole archive extension. A name
 * already near 255 bytes loses characters from the end of its stem, so its copies still fit.
 */
export function conflictName(name: string, copy: number): string {
  return copy === 1 ? name : markedName(name, String(copy))
}

/** "name (mark).ext", the mark before the whole archive extension, within MAX_NAME_BYTES. */
export function markedName(name: string, mark: string): string {
  const compound = COMPOUND.exec(name)
  const dot = name.lastIndexOf('.')
  const split = compound ? compound.index : dot > 0 ? dot : name.length
  const stem = Array.from(name.slice(0, split))
  const marked = () => `${stem.join('')} (${mark})${name.slice(split)}`
  while (stem.length > 0 && Buffer.byteLength(marked(), 'utf8') > MAX_NAME_BYTES) stem.pop()
  return marked()
}
