import { createCipheriv, createHash } from 'node:crypto'
import { appendFile, open, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { crc32, gzipSync } from 'node:zlib'

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

/**
 * The ends of an .xz file around seeded content, so the app's archive check (which reads only a
 * file's ends: src/main/uploads/archive-completeness.ts) takes it as complete: a Stream Header
 * first, and a whole empty Stream (header, Index, footer) last. Any size from 44 bytes works;
 * real xz files are whole 4-byte groups, but the check does not read far enough to care.
 */
export const XZ_HEAD = Buffer.from('fd377a585a000000' + '00000000', 'hex')
XZ_HEAD.writeUInt32LE(crc32(XZ_HEAD.subarray(6, 8)), 8)
const XZ_EMPTY_INDEX = Buffer.from('00000000' + '00000000', 'hex')
XZ_EMPTY_INDEX.writeUInt32LE(crc32(XZ_EMPTY_INDEX.subarray(0, 4)), 4)
// CRC32, Backward Size ((8 / 4) - 1), Stream Flags, "YZ"
const XZ_FOOTER = Buffer.from('00000000' + '01000000' + '0000' + '595a', 'hex')
XZ_FOOTER.writeUInt32LE(crc32(XZ_FOOTER.subarray(4, 10)), 0)
export const XZ_TAIL = Buffer.concat([XZ_HEAD, XZ_EMPTY_INDEX, XZ_FOOTER])

/**
 * A backup of `size` bytes, handed out in pieces: seeded content (contentStream) inside the ends
 * of an .xz file (see XZ_TAIL). 32 bytes is an .xz of nothing; other sizes below 44 are content
 * only, too small to be an archive.
 */
export function backupStream(size: number, seed: number) {
  const content = contentStream(seed)
  const framed = size === XZ_TAIL.length || size >= XZ_HEAD.length + XZ_TAIL.length
  let position = 0
  return {
    next(length: number): Buffer {
      const bytes = content.next(length)
      if (framed) {
        XZ_HEAD.subarray(position).copy(bytes, 0)
        const tailAt = size - XZ_TAIL.length - position
        if (tailAt < length) XZ_TAIL.copy(bytes, Math.max(0, tailAt), Math.max(0, -tailAt))
      }
      position += length
      return bytes
    },
  }
}

export function backupBytes(size: number, seed: number): Buffer {
  return backupStream(size, seed).next(size)
}

/**
 * Writes a `size`-byte backup (backupBytes) to dir/name, in 4 MiB writes; returns the path. A
 * .gz/.tgz name gets those bytes gzipped, so it is `size` bytes before compression.
 */
export async function writeBackup(
  dir: string,
  name: string,
  size: number,
  seed = 1,
): Promise<string> {
  const path = join(dir, name)
  if (/\.t?gz$/i.test(name)) {
    await writeFile(path, gzipSync(backupBytes(size, seed)))
    return path
  }
  if (size <= BLOCK) {
    await writeFile(path, backupBytes(size, seed))
    return path
  }
  const stream = backupStream(size, seed)
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
  const stream = backupStream(count * size, seed)
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
