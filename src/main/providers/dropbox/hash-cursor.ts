import { ContentHasher, contentHashOfBlocks, HASH_BLOCK_SIZE } from './content-hash.ts'
import type { SourceReader } from '../../uploads/source-reader.ts'

/**
 * The whole file's content_hash, fed strictly in file order while chunks go out. Requests can
 * repeat or skip ranges (incorrect_offset, resume), so bytes already hashed are ignored, and a
 * range the server already holds is hashed from disk without being sent again.
 *
 * It also answers each request's own content_hash from the block digests it computes anyway
 * (rangeHash), so the bytes of a chunk are hashed once, not twice.
 */
export class HashCursor {
  private readonly hasher = new ContentHasher({ onBlock: (digest) => this.blocks.push(digest) })
  private readonly reader: SourceReader
  private hashed = 0
  private result: string | undefined
  /** Digests of the blocks from `firstBlock` on; only those of the latest feed are kept. */
  private blocks: Buffer[] = []
  private firstBlock = 0

  constructor(reader: SourceReader) {
    this.reader = reader
  }

  get position(): number {
    return this.hashed
  }

  /** `bytes` starts at `offset`; call catchUp(offset) first so there is no gap. */
  feed(offset: number, bytes: Uint8Array): void {
    if (offset > this.hashed) throw new Error(`hash gap: at ${this.hashed}, fed ${offset}`)
    const skip = this.hashed - offset
    if (skip >= bytes.length) return
    this.keepBlocksFrom(Math.floor(offset / HASH_BLOCK_SIZE))
    this.hasher.update(bytes.subarray(skip))
    this.hashed = offset + bytes.length
    // Closing the last, short block now lets rangeHash answer for the file's final chunk.
    if (this.hashed === this.reader.file.size) this.result = this.hasher.digest()
  }

  async catchUp(target: number, signal: AbortSignal): Promise<void> {
    while (this.hashed < target) {
      signal.throwIfAborted()
      const length = Math.min(HASH_BLOCK_SIZE, target - this.hashed)
      this.feed(this.hashed, await this.reader.read(this.hashed, length))
    }
  }

  /**
   * The content_hash of [offset, offset + length) from the digests of the blocks it consists of:
   * the Dropbox hash of a range that starts on a 4 MiB boundary and ends on one (or at the end of
   * the file) is SHA-256 of exactly those blocks' digests. Undefined when the range does not line
   * up with blocks, or its blocks were not all hashed in the latest feed; hash the bytes then.
   */
  rangeHash(offset: number, length: number): string | undefined {
    const end = offset + length
    const aligned = (at: number) => at % HASH_BLOCK_SIZE === 0
    if (length <= 0 || !aligned(offset) || end > this.hashed) return undefined
    if (!aligned(end) && end !== this.reader.file.size) return undefined
    const from = offset / HASH_BLOCK_SIZE - this.firstBlock
    const to = Math.ceil(end / HASH_BLOCK_SIZE) - this.firstBlock
    if (from < 0 || to > this.blocks.length) return undefined
    return contentHashOfBlocks(this.blocks.slice(from, to))
  }

  /** Only once every byte is in; a short hash would never match anything. */
  digest(): string {
    if (this.hashed !== this.reader.file.size) throw new Error('hash incomplete')
    this.result ??= this.hasher.digest()
    return this.result
  }

  /** Digests before `block` are of chunks already prepared: never asked for again. */
  private keepBlocksFrom(block: number): void {
    if (block <= this.firstBlock) return
    this.blocks = this.blocks.slice(Math.min(block - this.firstBlock, this.blocks.length))
    this.firstBlock = block
  }
}
