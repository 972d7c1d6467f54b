import { randomFillSync } from 'node:crypto'
import { createReadStream, mkdtempSync, rmSync, statfsSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { XZ_HEAD, XZ_TAIL } from '../test/support/backup-files.ts'
import { GIB, MIB } from './stats.ts'
import type { Teardown } from './teardown.ts'

/** One temp folder for everything a run writes, removed as a whole at the end. */
export function createWorkspace(teardown: Teardown): string {
  const root = mkdtempSync(join(tmpdir(), 'ftb-bench-'))
  teardown.add(() => rmSync(root, { recursive: true, force: true }))
  return root
}

/**
 * A folder in RAM (/dev/shm) when the machine has one with `bytes` free, else `fallback`. The
 * emulator stores uploads there for the throughput figure: on this kind of VM, writing a GiB to
 * the ext4 disk costs the emulator ~2.5 s of kernel CPU, which would measure the disk, not the
 * client; Dropbox's own storage is not on the uploading machine either.
 */
export function ramFolder(teardown: Teardown, bytes: number, fallback: string): string {
  try {
    if (freeBytes(RAM_DISK) < bytes) return fallback
    const dir = mkdtempSync(join(RAM_DISK, 'ftb-bench-'))
    teardown.add(() => rmSync(dir, { recursive: true, force: true }))
    return dir
  } catch {
    return fallback
  }
}

const RAM_DISK = '/dev/shm'

export function freeBytes(dir: string): number {
  const fs = statfsSync(dir)
  return fs.bavail * fs.bsize
}

export function requireFreeSpace(dir: string, bytes: number, why: string): void {
  const free = freeBytes(dir)
  if (free < bytes) {
    const gib = (n: number) => `${(n / GIB).toFixed(1)} GiB`
    throw new Error(`${why} needs ${gib(bytes)} free in ${dir}; only ${gib(free)} is free.`)
  }
}

/**
 * Incompressible bytes, like a .tar.xz: one random 16 MiB piece, stamped with its index each
 * time so no two pieces (or 4 MiB hash blocks) repeat; and the ends of an .xz file, so the app's
 * archive check takes it as complete (see test/support/backup-files.ts).
 */
export async function writeRandomFile(path: string, bytes: number): Promise<void> {
  const piece = randomFillSync(Buffer.alloc(16 * MIB))
  const handle = await open(path, 'w')
  try {
    for (let offset = 0; offset < bytes; offset += piece.length) {
      for (let block = 0; block < piece.length; block += 4 * MIB) {
        piece.writeDoubleLE(offset + block, block)
      }
      await handle.write(piece, 0, Math.min(piece.length, bytes - offset))
    }
    await handle.write(XZ_HEAD, 0, XZ_HEAD.length, 0)
    await handle.write(XZ_TAIL, 0, XZ_TAIL.length, bytes - XZ_TAIL.length)
  } finally {
    await handle.close()
  }
}

/** Reads the file once so every contender starts from the same warm page cache. */
export async function warmPageCache(path: string): Promise<void> {
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * MIB })) void chunk
}
