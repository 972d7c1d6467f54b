import { createHash, type Hash } from 'node:crypto'

/** Dropbox content_hash block size: 4 MiB (developers/reference/content-hash). */
export const CONTENT_HASH_BLOCK = 4 * 1024 * 1024

interface HasherState {
  /** SHA-256 of each full block so far. */
  digests: Buffer[]
  block: Hash
  blockBytes: number
}

/**
 * Streaming Dropbox content_hash: SHA-256 of each 4 MiB block, then SHA-256 of the concatenated
 * block digests, lowercase hex. Written independently of the app's hasher on purpose.
 */
export class ContentHasher {
  private state: HasherState = { digests: [], block: createHash('sha256'), blockBytes: 0 }

  update(chunk: Uint8Array): void {
    let offset = 0
    while (offset < chunk.length) {
      const take = Math.min(CONTENT_HASH_BLOCK - this.state.blockBytes, chunk.length - offset)
      this.state.block.update(chunk.subarray(offset, offset + take))
      this.state.blockBytes += take
      offset += take
      if (this.state.blockBytes === CONTENT_HASH_BLOCK) {
        this.state.digests.push(this.state.block.digest())
        this.state.block = createHash('sha256')
        this.state.blockBytes = 0
      }
    }
  }

  /** True when the bytes so far end on a block boundary, so append() may follow. */
  atBlockBoundary(): boolean {
    return this.state.blockBytes === 0
  }

  /**
   * Continues with bytes another hasher has already seen, without hashing them again: their
   * blocks line up with ours only when ours ended on a boundary.
   */
  append(next: ContentHasher): void {
    if (!this.atBlockBoundary()) throw new Error('append needs a hasher on a block boundary')
    const { digests, block, blockBytes } = next.state
    this.state.digests.push(...digests)
    this.state.block = block.copy()
    this.state.blockBytes = blockBytes
  }

  /** The hash of everything so far; the hasher stays usable. */
  digest(): string {
    const overall = createHash('sha256')
    for (const digest of this.state.digests) overall.update(digest)
    if (this.state.blockBytes > 0) overall.update(this.state.block.copy().digest())
    return overall.digest('hex')
  }

  /** Opaque copy to roll back to when a request's bytes are rejected. */
  snapshot(): HasherState {
    const { digests, block, blockBytes } = this.state
    return { digests: [...digests], block: block.copy(), blockBytes }
  }

  restore(snapshot: HasherState): void {
    this.state = snapshot
  }
}

export function contentHashOf(bytes: Uint8Array): string {
  const hasher = new ContentHasher()
  hasher.update(bytes)
  return hasher.digest()
}
