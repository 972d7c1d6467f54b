import { CONTENT_HASH_BLOCK, ContentHasher } from './content-hash.ts'

/** A piece of a concurrent session: its bytes sit in the session file at `offset`. */
export interface Piece {
  offset: number
  length: number
  /** The piece's own hash; pieces start on 4 MiB boundaries, so these chain into the file's. */
  hasher: ContentHasher
}

/** files.stone UploadSessionLookupError / UploadSessionFinishError members for concurrent sessions. */
export type PieceRejection =
  | 'concurrent_session_invalid_offset'
  | 'concurrent_session_invalid_data_size'
  | 'concurrent_session_missing_data'

export type Assembled = { ok: true; size: number; hasher: ContentHasher } | { ok: false }

const aligned = (n: number): boolean => n % CONTENT_HASH_BLOCK === 0

/**
 * The pieces of one concurrent upload session (session_type concurrent), which may arrive in any
 * order and at once. files.stone: every append's offset and length are multiples of 4,194,304
 * bytes, except the length of the final append, the one with close:true.
 */
export class ConcurrentPieces {
  private readonly pieces = new Map<number, Piece>()
  /** Requests writing right now, so two never write the same bytes at once. */
  private readonly writing = new Set<{ offset: number; length: number; done: Promise<void> }>()
  /** Set by the append with close:true: where the file ends. */
  end: number | undefined

  /** Checked before any byte is written; `length` is the request's Content-Length. */
  check(offset: number, length: number, close: boolean): PieceRejection | undefined {
    if (!aligned(offset)) return 'concurrent_session_invalid_offset'
    if (!close && !aligned(length)) return 'concurrent_session_invalid_data_size'
    // Emulator rule (Dropbox documents none): a piece may be sent again at its own offset with
    // its own length (a retry after a lost answer), but never overlap another piece.
    if (this.overlaps(offset, length)) return 'concurrent_session_invalid_offset'
    return undefined
  }

  /**
   * Waits until no other request writes into [offset, offset + length), e.g. a retry racing
   * the attempt it repeats (as a sequential session serialises its requests), then holds the
   * range; call the returned release when done.
   */
  async reserve(offset: number, length: number): Promise<() => void> {
    const end = offset + Math.max(length, 1)
    for (;;) {
      const busy = [...this.writing].find((w) => offset < w.offset + w.length && w.offset < end)
      if (!busy) break
      await busy.done
    }
    let release = (): void => {}
    const entry = { offset, length: end - offset, done: new Promise<void>((r) => (release = r)) }
    this.writing.add(entry)
    return () => {
      this.writing.delete(entry)
      release()
    }
  }

  add(piece: Piece): void {
    if (piece.length > 0) this.pieces.set(piece.offset, piece)
  }

  /** The whole file's size and hash, or not ok when some range before the end is missing. */
  assemble(): Assembled {
    if (this.end === undefined) return { ok: false }
    const hasher = new ContentHasher()
    let at = 0
    for (const piece of [...this.pieces.values()].sort((a, b) => a.offset - b.offset)) {
      if (piece.offset !== at || piece.offset + piece.length > this.end) return { ok: false }
      hasher.append(piece.hasher)
      at += piece.length
    }
    return at === this.end ? { ok: true, size: at, hasher } : { ok: false }
  }

  private overlaps(offset: number, length: number): boolean {
    for (const piece of this.pieces.values()) {
      const same = piece.offset === offset && piece.length === length
      if (!same && offset < piece.offset + piece.length && piece.offset < offset + length) {
        return true
      }
    }
    return false
  }
}
