import { createCipheriv, createHash } from 'node:crypto'
import { appendFile, open, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

export const MIB = 1024 * 1024
/** Dropbox hashes in blocks of exactly 4 MiB (content hash reference). */
const BLOCK = 4 * MIB

/** mulberry32: a tiny seeded PRNG, so "random" kill points repeat run after run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * A deterministic byte stream per seed (AES-CTR over zeros): incompressible like a real .tar.xz,
 * and no two blocks alike, so a chunk sent twice or out of order changes the content hash.
 */
export function contentStream(seed: number) {
  const key = createHash('sha256').update(`backup-${seed}`).digest()
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16))
  return { next: (length: number) => cipher.update(Buffer.alloc(length)) }
}

export function backupBytes(size: number, seed: number): Buffer {
  return contentStream(seed).next(size)
}

/** Writes `size` bytes of seeded content to dir/name, in 4 MiB writes; returns the path. */
export async function writeBackup(
  dir: string,
  name: string,
  size: number,
  seed = 1,
): Promise<string> {
  const path = join(dir, name)
  if (size <= BLOCK) {
    await writeFile(path, backupBytes(size, seed))
    return path
  }
  const stream = contentStream(seed)
  const handle = await open(path, 'w')
  try {
    for (let done = 0; done < size; done += BLOCK) {
      await handle.write(stream.next(Math.min(BLOCK, size - done)))
    }
  } finally {
    await handle.close()
  }
  return path
}

/**
 * Dropbox's content_hash, written here independently of both the app and the emulator:
 * SHA-256 of each 4 MiB block, then SHA-256 of the concatenated block digests, in hex.
 */
export async function dropboxContentHash(path: string): Promise<string> {
  const overall = createHash('sha256')
  const handle = await open(path, 'r')
  const buffer = Buffer.allocUnsafe(BLOCK)
  try {
    for (let position = 0; ;) {
      let filled = 0
      while (filled < BLOCK) {
        const { bytesRead } = await handle.read(buffer, filled, BLOCK - filled, position + filled)
        if (bytesRead === 0) break
        filled += bytesRead
      }
      if (filled === 0) break
      overall.update(createHash('sha256').update(buffer.subarray(0, filled)).digest())
      position += filled
      if (filled < BLOCK) break
    }
  } finally {
    await handle.close()
  }
  return overall.digest('hex')
}

/** Appends `chunks` to `path` one at a time, `gapMs` apart: a writer still producing a backup. */
export async function writeSlowly(path: string, chunks: Buffer[], gapMs: number): Promise<void> {
  for (const [i, chunk] of chunks.entries()) {
    if (i > 0) await sleep(gapMs)
    await appendFile(path, chunk)
  }
}

/** `count` chunks of `size` bytes, together the same bytes as backupBytes(count * size, seed). */
export function chunksOf(count: number, size: number, seed: number): Buffer[] {
  const stream = contentStream(seed)
  return Array.from({ length: count }, () => stream.next(size))
}

/** dropboxContentHash for bytes in memory. */
export function dropboxContentHashOf(bytes: Buffer): string {
  const overall = createHash('sha256')
  for (let at = 0; at < bytes.length; at += BLOCK) {
    overall.update(
      createHash('sha256')
        .update(bytes.subarray(at, at + BLOCK))
        .digest(),
    )
  }
  return overall.digest('hex')
}
