import { createHash, type Hash } from 'node:crypto'
import { createReadStream } from 'node:fs'

/** Dropbox hashes files in blocks of exactly 4 MiB (the last one may be shorter). */
export const HASH_BLOCK_SIZE = 4 * 1024 * 1024

export interface ContentHasherOptions {
  /** Each block's SHA-256 as it completes; the last, short block's at digest(). */
  onBlock?(digest: Buffer): void
}

/**
 * Dropbox's content_hash, computed incrementally: SHA-256 of each 4 MiB block, then SHA-256 of the
 * concatenated block digests, in hex. Fed in the same pass that uploads, so the file is read once.
 * Written here rather than taken from the Dropbox SDK, which would bring ~300 routes for one class.
 */
export class ContentHasher {
  private readonly overall = createHash('sha256')
  private readonly onBlock: ((digest: Buffer) => void) | undefined
  private block: Hash = createHash('sha256')
  private blockFill = 0

  constructor(options: ContentHasherOptions = {}) {
    this.onBlock = options.onBlock
  }

  update(data: Uint8Array): this {
    let offset = 0
    while (offset < data.length) {
      const take = Math.min(HASH_BLOCK_SIZE - this.blockFill, data.length - offset)
      this.block.update(data.subarray(offset, offset + take))
      this.blockFill += take
      offset += take
      if (this.blockFill === HASH_BLOCK_SIZE) this.closeBlock()
    }
    return this
  }

  digest(): string {
    if (this.blockFill > 0) this.closeBlock()
    return this.overall.digest('hex')
  }

  private closeBlock(): void {
    const digest = this.block.digest()
    this.overall.update(digest)
    this.onBlock?.(digest)
    this.block = createHash('sha256')
    this.blockFill = 0
  }
}

/**
 * The content_hash of bytes given as their blocks' digests, in order. For a byte range that
 * starts on a 4 MiB boundary of a file, those are the file's own block digests, so a range's hash
 * costs no second pass over its bytes.
 */
export function contentHashOfBlocks(digests: readonly Uint8Array[]): string {
  const overall = createHash('sha256')
  for (const digest of digests) overall.update(digest)
  return overall.digest('hex')
}

export async function hashFile(path: string, signal?: AbortSignal): Promise<string> {
  const hasher = new ContentHasher()
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024, signal })) {
    hasher.update(chunk as Buffer)
  }
  return hasher.digest()
}
