import type { Stats } from 'node:fs'
import { open, stat, type FileHandle } from 'node:fs/promises'
import { AppError } from '../../shared/app-error.ts'
import type { SourceFile } from './uploader.ts'

/** fs errors a user can act on; anything else (EIO …) stays as it is. */
export function fileError(error: unknown, file: SourceFile): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ENOENT') return new AppError('file_missing', undefined, { cause: error })
  if (code === 'EACCES' || code === 'EPERM') {
    return new AppError('permission_denied', `Cannot read ${file.path}.`, { cause: error })
  }
  return error
}

function changed(file: SourceFile, detail: string): AppError {
  return new AppError('file_changed', `${file.name} changed while uploading (${detail}).`)
}

/**
 * Reads the settled file at given offsets, so any chunk can be read again after a retry, and
 * guarantees the bytes are those of the version the watcher settled on: same size and mtime,
 * same inode, and reads that come back exactly as long as asked.
 */
export class SourceReader {
  readonly file: SourceFile
  private readonly handle: FileHandle
  private readonly ino: number

  private constructor(file: SourceFile, handle: FileHandle, ino: number) {
    this.file = file
    this.handle = handle
    this.ino = ino
  }

  static async open(file: SourceFile): Promise<SourceReader> {
    let handle: FileHandle
    try {
      handle = await open(file.path, 'r')
    } catch (error) {
      throw fileError(error, file)
    }
    const reader = new SourceReader(file, handle, (await handle.stat()).ino)
    try {
      await reader.checkUnchanged()
    } catch (error) {
      await handle.close()
      throw error
    }
    return reader
  }

  /** By path, not by handle: a deleted or replaced file still reads fine through the handle. */
  async checkUnchanged(): Promise<void> {
    let now: Stats
    try {
      now = await stat(this.file.path)
    } catch (error) {
      throw fileError(error, this.file)
    }
    if (now.size !== this.file.size) throw changed(this.file, `size ${now.size}`)
    // 1 ms tolerance: mtimeMs may have passed through another stat source or JSON.
    if (Math.abs(now.mtimeMs - this.file.mtimeMs) >= 1) throw changed(this.file, 'modified')
    if (this.ino !== 0 && now.ino !== 0 && now.ino !== this.ino)
      throw changed(this.file, 'replaced')
  }

  /**
   * Exactly `length` bytes at `offset`; at the end of the file, also proves nothing follows.
   * Read into `into` when given (it needs room for `length` + 1 bytes): a view of it comes back.
   */
  async read(offset: number, length: number, into?: Buffer): Promise<Buffer> {
    const atEnd = offset + length === this.file.size
    const wanted = length + (atEnd ? 1 : 0)
    if (into && into.length < wanted) throw new RangeError(`read of ${wanted} into ${into.length}`)
    const buffer = into ? into.subarray(0, wanted) : Buffer.allocUnsafe(wanted)
    let filled = 0
    try {
      while (filled < buffer.length) {
        const { bytesRead } = await this.handle.read(
          buffer,
          filled,
          buffer.length - filled,
          offset + filled,
        )
        if (bytesRead === 0) break
        filled += bytesRead
      }
    } catch (error) {
      throw fileError(error, this.file)
    }
    if (filled < length) throw changed(this.file, `shorter than ${this.file.size} bytes`)
    if (filled > length) throw changed(this.file, `longer than ${this.file.size} bytes`)
    return buffer.subarray(0, length)
  }

  async close(): Promise<void> {
    await this.handle.close()
  }
}
