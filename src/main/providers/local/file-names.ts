import { randomBytes } from 'node:crypto'
import { MAX_NAME_BYTES } from '../../uploads/conflict-name.ts'

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

/** True for a temp file of ours that holds a copy of `name` (the random part is checked too). */
export function isTempFor(entry: string, name: string): boolean {
  const prefix = tempPrefix(name)
  return entry.startsWith(prefix) && /^[0-9a-f]{12}\.part$/.test(entry.slice(prefix.length))
}
