import type { SourceFile } from '../../uploads/uploader.ts'
import { HASH_BLOCK_SIZE } from './content-hash.ts'
import { SESSION_LIFETIME_MS } from './upload-limits.ts'

/** What a Dropbox upload persists between attempts (opaque to the queue). */
export interface DropboxResume {
  kind: 'dropbox-upload-session'
  sessionId: string
  /** Bytes the server acknowledged: the next request starts here. */
  offset: number
  /** When the session was started (epoch ms); sessions last 7 days (files.stone). */
  createdAt: number
  /** The file version the session holds bytes of. */
  size: number
  mtimeMs: number
  /**
   * A concurrent session's acknowledged pieces, [offset, length] in file order: any set, not a
   * prefix, as they come back in any order. Absent: a sequential session (`offset` is the truth).
   */
  pieces?: Array<[number, number]>
  /**
   * Pieces on the wire, not yet acknowledged: after a crash they are sent again cut exactly the
   * same, as Dropbox may hold them already and a piece overlapping one it holds is refused.
   */
  sending?: Array<[number, number]>
}

/**
 * The saved session if it can still be continued: well-formed, for this very file version, and
 * younger than Dropbox's 7-day session lifetime. Anything else means starting over.
 */
export function usableResume(
  value: unknown,
  file: SourceFile,
  now: number,
): DropboxResume | undefined {
  if (value === null || typeof value !== 'object') return undefined
  const state = value as Partial<DropboxResume>
  const wellFormed =
    state.kind === 'dropbox-upload-session' &&
    typeof state.sessionId === 'string' &&
    state.sessionId !== '' &&
    Number.isSafeInteger(state.offset) &&
    typeof state.createdAt === 'number'
  if (!wellFormed) return undefined
  const resume = state as DropboxResume
  if (resume.size !== file.size || resume.mtimeMs !== file.mtimeMs) return undefined
  if (resume.offset < 0 || resume.offset > file.size) return undefined
  if (now - resume.createdAt >= SESSION_LIFETIME_MS) return undefined
  if (resume.pieces !== undefined && !validPieces(resume.pieces, resume.sending, file.size)) {
    return undefined
  }
  return resume
}

/** Pieces on 4 MiB offsets, inside the file, none overlapping another. */
function validPieces(pieces: unknown, sending: unknown, size: number): boolean {
  if (!Array.isArray(pieces) || !(sending === undefined || Array.isArray(sending))) return false
  const all = [...(pieces as unknown[]), ...((sending as unknown[] | undefined) ?? [])]
  const offsetOf = (piece: unknown) => (Array.isArray(piece) ? Number(piece[0]) : NaN)
  all.sort((a, b) => offsetOf(a) - offsetOf(b))
  let end = 0
  for (const piece of all) {
    if (!Array.isArray(piece) || piece.length !== 2) return false
    const [offset, length] = piece as unknown[]
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length)) return false
    const [at, bytes] = [offset as number, length as number]
    if (at < end || at % HASH_BLOCK_SIZE !== 0 || bytes <= 0 || at + bytes > size) return false
    end = at + bytes
  }
  return true
}
