import { ArgError, Fields } from './arg-reader.ts'
import { WRITE_PATH_OR_ID } from './dropbox-path.ts'

export type WriteMode = { tag: 'add' } | { tag: 'overwrite' } | { tag: 'update'; rev: string }

export interface CommitInfo {
  path: string
  mode: WriteMode
  autorename: boolean
  clientModified: string | undefined
  mute: boolean
  strictConflict: boolean
}

export const COMMIT_FIELDS = [
  'path',
  'mode',
  'autorename',
  'client_modified',
  'mute',
  'property_groups',
  'strict_conflict',
] as const

// common.stone DropboxTimestamp is "%Y-%m-%dT%H:%M:%SZ": no fractional seconds, no offset.
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/
// files.stone: Rev = String(min_length=9, pattern="[0-9a-f]+").
const REV = /^[0-9a-f]+$/

/** Format a Dropbox timestamp (whole seconds, UTC). */
export function dropboxTimestamp(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

function readTimestamp(fields: Fields, key: string): string | undefined {
  const value = fields.str(key, { nullable: true, pattern: TIMESTAMP })
  if (value === undefined) return undefined
  // The pattern alone accepts 2024-13-45T99:00:00Z; the real parser does not.
  const parsed = Date.parse(value)
  if (Number.isNaN(parsed) || dropboxTimestamp(parsed) !== value) {
    throw new ArgError(`${fields.path(key)}: '${value}' is not a valid timestamp`)
  }
  return value
}

/** WriteMode: "add" | "overwrite" | {".tag": ...}; "update" needs its rev, so no shorthand. */
function readMode(value: unknown, at: string): WriteMode {
  if (value === undefined) return { tag: 'add' }
  if (value === 'add' || value === 'overwrite') return { tag: value }
  if (typeof value === 'string') {
    throw new ArgError(
      `${at}: '${value}' is not a Void member of WriteMode; use {".tag": "${value}", ...}`,
    )
  }
  const union = new Fields(value, ['.tag', 'update'], at)
  const tag = union.str('.tag', { required: true })
  if (tag === 'add' || tag === 'overwrite') {
    if (union.raw('update') !== undefined)
      throw new ArgError(`unknown field '${union.path('update')}'`)
    return { tag }
  }
  if (tag !== 'update') throw new ArgError(`${at}: unknown tag '${tag}'`)
  const rev = union.str('update', { required: true, minLength: 9, pattern: REV }) ?? ''
  return { tag: 'update', rev }
}

/** CommitInfo from files.stone, read from an already-checked struct. */
export function readCommitInfo(fields: Fields): CommitInfo {
  const path = fields.str('path', { required: true, pattern: WRITE_PATH_OR_ID }) ?? ''
  const groups = fields.raw('property_groups')
  if (groups !== undefined && groups !== null && !(Array.isArray(groups) && groups.length === 0)) {
    throw new ArgError(`${fields.path('property_groups')}: not supported by the emulator`)
  }
  return {
    path,
    mode: readMode(fields.raw('mode'), fields.path('mode')),
    autorename: fields.bool('autorename') ?? false,
    clientModified: readTimestamp(fields, 'client_modified'),
    mute: fields.bool('mute') ?? false,
    strictConflict: fields.bool('strict_conflict') ?? false,
  }
}
