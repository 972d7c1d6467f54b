import { open, type FileHandle } from 'node:fs/promises'
import { AppError } from '../../../shared/app-error.ts'

/**
 * Reads a file one part at a time: only one part is ever in memory (UploadPart needs its MD5
 * and SHA-256 in the headers, before the body), never the whole file.
 */
export class PartReader {
  private readonly handle: FileHandle
  readonly size: number

  private constructor(handle: FileHandle, size: number) {
    this.handle = handle
    this.size = size
  }

  static async open(path: string, size: number): Promise<PartReader> {
    return new PartReader(await open(path, 'r'), size)
  }

  async read(offset: number, length: number): Promise<Buffer> {
    const buffer = Buffer.alloc(length)
    const { bytesRead } = await this.handle.read(buffer, 0, length, offset)
    // Shorter than it was when the job was made: it changed under us.
    if (bytesRead !== length) throw new AppError('file_changed')
    return buffer
  }

  close(): Promise<void> {
    return this.handle.close()
  }
}
