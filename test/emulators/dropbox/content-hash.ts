import { createHash, type Hash } from 'node:crypto'

/** Dropbox content_hash block size: 4 MiB (developers/reference/content-hash). */
export const CONTENT_HASH_BLOCK = 4 * 1024 * 1024

interface HasherState {
  overall: Hash
  block: Hash
  blockBytes: number
}

/**
 * Streaming Dropbox content_hash: SHA-256 of each 4 MiB block, then SHA-256 of the concatenated
 * block digests, lowercase hex. Written independently of the app's hasher on purpose.
 */
export class ContentHasher {
  private state: HasherState = {
    overall: createHash('sha256'),
    block: createHash('sha256'),
    blockBytes: 0,
  }

  update(chunk: Uint8Array): void {
    let offset = 0
    while (offset < chunk.length) {
      const take = Math.min(CONTENT_HASH_BLOCK - this.state.blockBytes, chunk.length - offset)
      this.state.block.update(chunk.subarray(offset, offset + take))
      this.state.blockBytes += take
      offset += take
      if (this.state.blockBytes === CONTENT_HASH_BLOCK) {
        this.state.overall.update(this.state.block.digest())
        this.state.block = createHash('sha256')
        this.state.blockBytes = 0
      }
    }
  }

  /** The hash of everything so far; the hasher stays usable. */
  digest(): string {
    const overall = this.state.overall.copy()
    if (this.state.blockBytes > 0) overall.update(this.state.block.copy().digest())
    return overall.digest('hex')
  }

  /** Opaque copy to roll back to when a request's bytes are rejected. */
  snapshot(): HasherState {
    const { overall, block, blockBytes } = this.state
    return { overall: overall.copy(), block: block.copy(), blockBytes }
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
