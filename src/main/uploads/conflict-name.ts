/** Extensions that belong together, so "a.tar.xz" becomes "a (2).tar.xz", not "a.tar (2).xz". */
const COMPOUND = /\.tar\.(?:xz|gz|bz2|zst)$/i

/**
 * The name a different file gets when its own name is taken: Dropbox's "keep both" style,
 * "name (2).ext", "name (3).ext", … The number goes before the whole archive extension.
 */
export function conflictName(name: string, copy: number): string {
  const compound = COMPOUND.exec(name)
  const dot = name.lastIndexOf('.')
  const split = compound ? compound.index : dot > 0 ? dot : name.length
  return `${name.slice(0, split)} (${copy})${name.slice(split)}`
}
