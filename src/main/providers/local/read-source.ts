import type { Stats } from 'node:fs'
import { open, stat, type FileHandle } from 'node:fs/promises'
import { AppError } from '../../../shared/app-error.ts'
import { createHash } from 'node:crypto'
import type { SourceFile } from '../../uploads/uploader.ts'
import { pace, uploadBucket } from '../../net/bandwidth-limit.ts'
import { destinationError, sourceError } from './local-errors.ts'

const CHUNK = 1024 * 1024

export interface CopySink {
  handle: FileHandle
  /** The path errors name. */
  path: string
  /** Bytes before this offset are already in the file: they are hashed, not written again. */
  from: number
}

export interface ReadSourceOptions {
  signal: AbortSignal
  /** Receives the bytes read, in order; written in the same pass as the hash. */
  sink?: CopySink
  onBytes?(bytesDone: number): void
  /** After each chunk is hashed and written; the copy waits for it (e.g. to fsync). */
  checkpoint?(bytesDone: number): Promise<void>
}

/**
 * Reads the backup once, hashing it (and copying it into `sink`), and proves the bytes are the
 * SourceFile the watcher settled on: same size and mtime before and after, and exactly `size`
 * bytes read. Anything else is file_changed, so a half-rewritten backup is never kept.
 */
export async function readSource(file: SourceFile, options: ReadSourceOptions): Promise<string> {
  const { signal, sink, onBytes, checkpoint } = options
  let source: FileHandle
  try {
    source = await open(file.path, 'r')
  } catch (error) {
    throw sourceError(file.path, error)
  }
  try {
    const { ino } = await expectUnchanged(source, file)
    const hasher = createHash('sha256')
    const buffer = Buffer.allocUnsafe(CHUNK)
    let done = 0
    for (;;) {
      signal.throwIfAborted()
      // One byte more than is left, so a file that grew is noticed without reading on.
      const want = Math.min(CHUNK, file.size - done + 1)
      const bytesRead = await readAt(source, file.path, buffer, want, done)
      if (bytesRead === 0) break
      done += bytesRead
      if (done > file.size) throw changed(file, 'grew')
      const chunk = buffer.subarray(0, bytesRead)
      hasher.update(chunk)
      if (sink && done > sink.from) {
        // A copy to a folder is an upload too (often a NAS over the same link): under the cap.
        await pace(uploadBucket, bytesRead, signal)
        await writeFrom(sink, chunk, done - bytesRead)
      }
      onBytes?.(done)
      await checkpoint?.(done)
    }
    if (done !== file.size) throw changed(file, 'shrank')
    await expectUnchanged(source, file)
    await expectStillAtPath(file, ino)
    return hasher.digest('hex')
  } finally {
    await source.close().catch(() => {})
  }
}

async function readAt(
  source: FileHandle,
  path: string,
  buffer: Buffer,
  length: number,
  position: number,
): Promise<number> {
  try {
    return (await source.read(buffer, 0, length, position)).bytesRead
  } catch (error) {
    throw sourceError(path, error)
  }
}

/** Writes the part of `chunk` (read at `at`) from sink.from on. */
async function writeFrom(sink: CopySink, chunk: Buffer, at: number): Promise<void> {
  const skip = Math.max(0, sink.from - at)
  await writeAll(sink, chunk.subarray(skip), at + skip)
}

// A write may be partial in principle; loop until the chunk is all down.
async function writeAll(sink: CopySink, chunk: Buffer, at: number) {
  try {
    let written = 0
    while (written < chunk.length) {
      const { bytesWritten } = await sink.handle.write(chunk, written, chunk.length - written, at)
      written += bytesWritten
      at += bytesWritten
    }
  } catch (error) {
    throw destinationError(sink.path, error)
  }
}

async function expectUnchanged(source: FileHandle, file: SourceFile): Promise<Stats> {
  let stats: Stats
  try {
    stats = await source.stat()
  } catch (error) {
    throw sourceError(file.path, error)
  }
  if (stats.size !== file.size) throw changed(file, `is now ${stats.size} bytes, was ${file.size}`)
  if (stats.mtimeMs !== file.mtimeMs) throw changed(file, 'was modified')
  return stats
}

/**
 * The open file still reads fine after it was deleted or replaced, so look by path as well: a
 * backup deleted during the copy fails with file_missing, as it does for Dropbox.
 */
async function expectStillAtPath(file: SourceFile, ino: number): Promise<void> {
  let now: Stats
  try {
    now = await stat(file.path)
  } catch (error) {
    throw sourceError(file.path, error)
  }
  if (ino !== 0 && now.ino !== 0 && now.ino !== ino) throw changed(file, 'was replaced')
}

function changed(file: SourceFile, how: string): AppError {
  return new AppError('file_changed', `"${file.path}" changed while it was being copied (${how}).`)
}
