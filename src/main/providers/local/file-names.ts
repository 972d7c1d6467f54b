import { createHash, randomBytes } from 'node:crypto'
import { MAX_NAME_BYTES } from '../../uploads/conflict-name.ts'

const TEMP_TAG = '.ftb-'
const TEMP_SUFFIX = '.part'
/** The 12 hex digits: 6 that tell which source file the copy is of, then 6 random ones. */
const TEMP_SOURCE_HEX = 6
const TEMP_RANDOM_HEX = 6
/** ".<name>.ftb-<12 hex>.part": our own half-written copies, dotted so watchers skip them. */
export const TEMP_NAME = /^\..*\.ftb-[0-9a-f]{12}\.part$/s
const TEMP_STEM_BYTES =
  MAX_NAME_BYTES - 1 - TEMP_TAG.length - TEMP_SOURCE_HEX - TEMP_RANDOM_HEX - TEMP_SUFFIX.length

/** The backup a temp file holds a copy of: its path, and its name at the destination. */
export interface TempSource {
  path: string
  name: string
}

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

/**
 * The start every temp file for this source shares; a 255-byte name is shortened to fit the tag.
 * The source path's digest is part of it: two backups of the same name (a manual upload beside
 * a watched one) may be copied into one folder at once, and neither may take the other's temp
 * for a crashed copy of its own.
 */
export function tempPrefix(source: TempSource): string {
  const tag = createHash('sha256').update(source.path).digest('hex').slice(0, TEMP_SOURCE_HEX)
  return `.${truncateBytes(source.name, TEMP_STEM_BYTES)}${TEMP_TAG}${tag}`
}

export function tempName(source: TempSource): string {
  const random = randomBytes(TEMP_RANDOM_HEX / 2).toString('hex')
  return `${tempPrefix(source)}${random}${TEMP_SUFFIX}`
}

/** True for a temp file of ours that holds a copy of `source` (the random part is checked too). */
export function isTempFor(entry: string, source: TempSource): boolean {
  const prefix = tempPrefix(source)
  return entry.startsWith(prefix) && /^[0-9a-f]{6}\.part$/.test(entry.slice(prefix.length))
}
