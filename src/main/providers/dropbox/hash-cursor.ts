import { ContentHasher, HASH_BLOCK_SIZE } from '../../uploads/content-hash.ts'
import type { SourceReader } from './source-reader.ts'

/**
 * The whole file's content_hash, fed strictly in file order while chunks go out. Requests can
 * repeat or skip ranges (incorrect_offset, resume), so bytes already hashed are ignored, and a
 * range the server already holds is hashed from disk without being sent again.
 */
export class HashCursor {
  private readonly hasher = new ContentHasher()
  private readonly reader: SourceReader
  private hashed = 0
  private result: string | undefined

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
    this.hasher.update(bytes.subarray(skip))
    this.hashed = offset + bytes.length
  }

  async catchUp(target: number, signal: AbortSignal): Promise<void> {
    while (this.hashed < target) {
      signal.throwIfAborted()
      const length = Math.min(HASH_BLOCK_SIZE, target - this.hashed)
      this.feed(this.hashed, await this.reader.read(this.hashed, length))
    }
  }

  /** Only once every byte is in; a short hash would never match anything. */
  digest(): string {
    if (this.hashed !== this.reader.file.size) throw new Error('hash incomplete')
    this.result ??= this.hasher.digest()
    return this.result
  }
}
