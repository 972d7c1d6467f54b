import {
  blockDigests,
  ContentHasher,
  contentHashOfBlocks,
  HASH_BLOCK_SIZE,
} from '../../uploads/content-hash.ts'
import type { SourceReader } from './source-reader.ts'

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
  /** Where `hashed` will be once the queued feeds are done. */
  private queuedTo = 0
  private result: string | undefined
  /** Digests of the blocks from `firstBlock` on; only those of the latest feed are kept. */
  private blocks: Buffer[] = []
  private firstBlock = 0
  /** Feeds run one after another, in the order they were asked for. */
  private queue: Promise<void> = Promise.resolve()

  constructor(reader: SourceReader) {
    this.reader = reader
  }

  /** Bytes hashed so far, counting feeds still queued. */
  get position(): number {
    return this.queuedTo
  }

  /**
   * `bytes` starts at `offset`; call catchUp(offset) first so there is no gap. Keep the bytes
   * unchanged until the returned promise settles.
   */
  feed(offset: number, bytes: Uint8Array): Promise<void> {
    if (offset <= this.queuedTo) this.queuedTo = Math.max(this.queuedTo, offset + bytes.length)
    const run = this.queue.then(() => this.feedNow(offset, bytes))
    this.queue = run.catch(() => {})
    return run
  }

  async catchUp(target: number, signal: AbortSignal): Promise<void> {
    await this.queue
    while (this.hashed < target) {
      signal.throwIfAborted()
      const length = Math.min(HASH_BLOCK_SIZE, target - this.hashed)
      await this.feed(this.hashed, await this.reader.read(this.hashed, length))
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
    if (length <= 0 || !this.onGrid(offset) || end > this.hashed) return undefined
    if (!this.onGrid(end)) return undefined
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

  private async feedNow(offset: number, bytes: Uint8Array): Promise<void> {
    if (offset > this.hashed) throw new Error(`hash gap: at ${this.hashed}, fed ${offset}`)
    const skip = this.hashed - offset
    if (skip >= bytes.length) return
    this.keepBlocksFrom(Math.floor(offset / HASH_BLOCK_SIZE))
    const end = offset + bytes.length
    // Whole blocks (or the file's last, short one) go to the thread pool; anything else, such
    // as a resume from an offset off the grid, is hashed here.
    if (skip === 0 && this.onGrid(offset) && this.onGrid(end)) {
      this.hasher.addBlocks(await blockDigests(bytes))
    } else {
      this.hasher.update(bytes.subarray(skip))
    }
    this.hashed = end
    // Closing the last, short block now lets rangeHash answer for the file's final chunk.
    if (this.hashed === this.reader.file.size) this.result = this.hasher.digest()
  }

  /** A 4 MiB boundary, or the end of the file (where the last block may be shorter). */
  private onGrid(at: number): boolean {
    return at % HASH_BLOCK_SIZE === 0 || at === this.reader.file.size
  }

  /** Digests before `block` are of chunks already prepared: never asked for again. */
  private keepBlocksFrom(block: number): void {
    if (block <= this.firstBlock) return
    this.blocks = this.blocks.slice(Math.min(block - this.firstBlock, this.blocks.length))
    this.firstBlock = block
  }
}
