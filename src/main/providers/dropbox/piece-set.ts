/** A byte range of the file sent as one request of a concurrent session. */
export interface Piece {
  offset: number
  length: number
}

/**
 * The pieces a concurrent session has acknowledged: any set of ranges, as answers come back in
 * any order, kept sorted by offset.
 */
export class PieceSet {
  private readonly pieces: Piece[]

  constructor(pieces: Piece[] = []) {
    this.pieces = [...pieces].sort((a, b) => a.offset - b.offset)
  }

  add(piece: Piece): void {
    if (this.at(piece.offset)) return
    const index = this.pieces.findIndex((held) => held.offset > piece.offset)
    this.pieces.splice(index < 0 ? this.pieces.length : index, 0, { ...piece })
  }

  remove(offset: number): void {
    const index = this.pieces.findIndex((piece) => piece.offset === offset)
    if (index >= 0) this.pieces.splice(index, 1)
  }

  /** The piece that starts exactly at `offset`. */
  at(offset: number): Piece | undefined {
    return this.pieces.find((piece) => piece.offset === offset)
  }

  /** Where the next held piece after `offset` starts: a missing range ends there. */
  nextAfter(offset: number): number | undefined {
    return this.pieces.find((piece) => piece.offset > offset)?.offset
  }

  get bytes(): number {
    return this.pieces.reduce((sum, piece) => sum + piece.length, 0)
  }

  /** Bytes held without a gap from the start of the file. */
  get prefix(): number {
    let end = 0
    for (const piece of this.pieces) {
      if (piece.offset !== end) break
      end += piece.length
    }
    return end
  }

  /** Every byte of a file of `size` is held. */
  covers(size: number): boolean {
    return this.prefix === size
  }

  list(): Piece[] {
    return this.pieces.map((piece) => ({ ...piece }))
  }
}
