import { randomBytes } from 'node:crypto'
import { conflictName } from '../../uploads/conflict-name.ts'

/** NAME_MAX on ext4, XFS, Btrfs, NTFS via SMB…: 255 bytes per path component. */
export const MAX_NAME_BYTES = 255

const TEMP_TAG = '.ftb-'
const TEMP_SUFFIX = '.part'
const TEMP_RANDOM_HEX = 12
/** ".<name>.ftb-<12 hex>.part": our own half-written copies, dotted so watchers skip them. */
export const TEMP_NAME = /^\..*\.ftb-[0-9a-f]{12}\.part$/s
const TEMP_STEM_BYTES = MAX_NAME_BYTES - 1 - TEMP_TAG.length - TEMP_RANDOM_HEX - TEMP_SUFFIX.length

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

/** Cuts `text` to at most `max` UTF-8 bytes without splitting a character. */
function truncateBytes(text: string, max: number): string {
  if (byteLength(text) <= max) return text
  const chars = Array.from(text)
  while (chars.length > 0 && byteLength(chars.join('')) > max) chars.pop()
  return chars.join('')
}

/** The start every temp file for `name` shares; a 255-byte name is shortened to fit the tag. */
export function tempPrefix(name: string): string {
  return `.${truncateBytes(name, TEMP_STEM_BYTES)}${TEMP_TAG}`
}

export function tempName(name: string): string {
  return `${tempPrefix(name)}${randomBytes(TEMP_RANDOM_HEX / 2).toString('hex')}${TEMP_SUFFIX}`
}

/**
 * The name of copy `copy` (1 is the name itself, then "name (2).tar.xz", …). A name already near
 * 255 bytes loses characters from the end of its stem, so its copies still fit.
 */
export function copyName(name: string, copy: number): string {
  if (copy === 1) return name
  const wanted = conflictName(name, copy)
  if (byteLength(wanted) <= MAX_NAME_BYTES) return wanted
  // The extension starts with "." and the marker with " ", so they part exactly at the split.
  const split = commonPrefixLength(name, wanted)
  const stem = Array.from(name.slice(0, split))
  const extension = name.slice(split)
  let candidate = wanted
  while (stem.length > 0 && byteLength(candidate) > MAX_NAME_BYTES) {
    stem.pop()
    candidate = conflictName(stem.join('') + extension, copy)
  }
  return candidate
}

function commonPrefixLength(a: string, b: string): number {
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  return i
}
