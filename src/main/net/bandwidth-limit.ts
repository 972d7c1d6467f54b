import { Readable, Transform } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { TokenBucket } from './token-bucket.ts'

/** A sleeper wakes at least this often, so a changed rate (or "unlimited") applies within it. */
const RECHECK_MS = 250

/** The one bucket every upload body in this process draws from: the cap is for all together. */
export const uploadBucket = new TokenBucket(0, () => performance.now())

/**
 * Waits until `bytes` may go under `bucket`, spending them a piece (the bucket's capacity) at a
 * time so that several uploads interleave smoothly; no wait at all while unlimited.
 */
export async function pace(bucket: TokenBucket, bytes: number, signal?: AbortSignal) {
  let left = bytes
  while (left > 0) {
    const piece = bucket.bytesPerSecond === 0 ? left : Math.min(left, bucket.capacity())
    for (let wait = bucket.waitMs(piece); wait > 0; wait = bucket.waitMs(piece)) {
      await sleep(Math.min(wait, RECHECK_MS), undefined, { signal })
    }
    bucket.take(piece)
    left -= piece
  }
}

/** Passes bytes through no faster than `bucket` allows, in pieces no larger than its capacity. */
export function throttle(bucket: TokenBucket): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      void forward(bucket, chunk, (piece) => this.push(piece)).then(() => done(), done)
    },
  })
}

async function forward(bucket: TokenBucket, chunk: Buffer, push: (piece: Buffer) => void) {
  for (let at = 0; at < chunk.length;) {
    const size = bucket.bytesPerSecond === 0 ? chunk.length - at : bucket.capacity()
    const piece = chunk.subarray(at, at + size)
    await pace(bucket, piece.length)
    push(piece)
    at += piece.length
  }
}

/** An upload body under the process-wide cap; unchanged while there is no cap. */
export function capped<T extends Uint8Array | Readable>(body: T): T | Readable {
  if (uploadBucket.bytesPerSecond === 0) return body
  const source =
    body instanceof Readable
      ? body
      : Readable.from([Buffer.from(body.buffer, body.byteOffset, body.byteLength)])
  const out = throttle(uploadBucket)
  source.once('error', (error) => out.destroy(error))
  return source.pipe(out)
}
