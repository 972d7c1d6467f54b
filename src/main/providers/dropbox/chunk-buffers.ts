/**
 * The chunk buffers of one concurrent upload: at most `limit` exist at once (the chunks on the
 * wire plus the one being read), and they are reused, since a fresh buffer per chunk kept the
 * collector busy. A buffer too small for the next chunk (the chunk size grew) is dropped before a
 * larger one is made, so the count, not just the number in use, stays within the limit.
 */
export class ChunkBuffers {
  private readonly limit: number
  private readonly free: Buffer[] = []
  private readonly waiting: Array<() => void> = []
  private allocated = 0
  private most = 0

  constructor(limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit ${limit}`)
    this.limit = limit
  }

  /** The most buffers that ever existed at once (what bounds the upload's memory). */
  get peak(): number {
    return this.most
  }

  /** Buffers that exist now, in use or free. */
  get held(): number {
    return this.allocated
  }

  /** A buffer of at least `size` bytes, once one is free or may be made. */
  async acquire(size: number, signal?: AbortSignal): Promise<Buffer> {
    for (;;) {
      signal?.throwIfAborted()
      const fitting = this.free.findIndex((buffer) => buffer.length >= size)
      if (fitting >= 0) return this.free.splice(fitting, 1)[0]!
      if (this.free.length > 0) {
        this.free.pop()
        this.allocated -= 1
      }
      if (this.allocated < this.limit) {
        this.allocated += 1
        this.most = Math.max(this.most, this.allocated)
        return Buffer.allocUnsafeSlow(size)
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve))
    }
  }

  /**
   * Lets go of the buffers not in use (an upload that only waits for its commit holds none); a
   * later acquire makes new ones.
   */
  dropFree(): void {
    this.allocated -= this.free.length
    this.free.length = 0
  }

  /** The buffer's requests are done: nothing reads it any more. */
  release(buffer: Buffer): void {
    this.free.push(buffer)
    this.waiting.shift()?.()
  }
}
