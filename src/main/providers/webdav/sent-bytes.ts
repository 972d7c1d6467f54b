import { Transform, type TransformCallback } from 'node:stream'

/** The ends compared by the read-back check: the first and the last MiB. */
export const END_BYTES = 1024 * 1024

/**
 * Watches the bytes of an upload as they go out: their count (for onProgress), and the first and
 * last MiB kept for the read-back check. The file is never held whole: at most two MiB plus one
 * read chunk stay in memory. (The SHA-256 was taken before the PUT, for its OC-Checksum header;
 * hashing again here would cost a second pass of CPU per file for a change the size and mtime
 * checks around the PUT already catch.)
 */
export class SentBytes extends Transform {
  private readonly headParts: Buffer[] = []
  private headBytes = 0
  private tailParts: Buffer[] = []
  private tailBytes = 0
  private readonly onBytes: (count: number) => void
  count = 0

  constructor(onBytes: (count: number) => void) {
    super()
    this.onBytes = onBytes
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.count += chunk.length
    if (this.headBytes < END_BYTES) {
      const part = chunk.subarray(0, END_BYTES - this.headBytes)
      this.headParts.push(part)
      this.headBytes += part.length
    }
    this.keepTail(chunk)
    this.onBytes(this.count)
    done(null, chunk)
  }

  private keepTail(chunk: Buffer): void {
    this.tailParts.push(chunk)
    this.tailBytes += chunk.length
    while (this.tailParts.length > 1 && this.tailBytes - this.tailParts[0]!.length >= END_BYTES) {
      this.tailBytes -= this.tailParts.shift()!.length
    }
  }

  /** Call once the stream has ended. */
  ends(): { head: Buffer; tail: Buffer; size: number } {
    const tail = Buffer.concat(this.tailParts)
    return {
      head: Buffer.concat(this.headParts),
      tail: tail.subarray(Math.max(0, tail.length - END_BYTES)),
      size: this.count,
    }
  }
}
