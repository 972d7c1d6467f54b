import { createHash, type Hash } from 'node:crypto'
import type { Checksum } from '../../uploads/uploader.ts'
import type { SourceReader } from '../../uploads/source-reader.ts'
import { QUICK_XOR, type DriveItem } from './drive-item.ts'
import { QuickXorHash } from './quick-xor-hash.ts'

const READ_BYTES = 4 * 1024 * 1024

/**
 * The local file's SHA-256 and QuickXorHash, computed from the bytes as they are sent, each
 * byte once: a fragment sent again (after a 416 or a retry) is not counted twice, and a resumed
 * upload first reads the part the server already had from disk.
 */
export class UploadHashes {
  private readonly sha256: Hash = createHash('sha256')
  private readonly quickXor = new QuickXorHash()
  /** Bytes from the file's start hashed so far. */
  private hashed = 0

  private readonly reader: SourceReader

  constructor(reader: SourceReader) {
    this.reader = reader
  }

  /** Hashes what of `bytes` (read at `offset`) is new, after catching up to `offset` from disk. */
  async feed(offset: number, bytes: Uint8Array): Promise<void> {
    await this.catchUp(offset)
    if (offset + bytes.length <= this.hashed) return
    const fresh = bytes.subarray(this.hashed - offset)
    this.sha256.update(fresh)
    this.quickXor.update(fresh)
    this.hashed += fresh.length
  }

  /** Reads and hashes the file from where hashing stopped up to `offset`. */
  async catchUp(offset: number): Promise<void> {
    while (this.hashed < offset) {
      const length = Math.min(READ_BYTES, offset - this.hashed)
      const bytes = await this.reader.read(this.hashed, length)
      this.sha256.update(bytes)
      this.quickXor.update(bytes)
      this.hashed += length
    }
  }

  /** The file's checksum by the algorithm OneDrive reports for `item`, all bytes hashed. */
  async checksumFor(item: DriveItem): Promise<{ local: Checksum; remote: string | undefined }> {
    await this.catchUp(this.reader.file.size)
    const hashes = item.file?.hashes
    if (hashes?.sha256Hash)
      return {
        local: { algorithm: 'sha256', value: this.sha256.copy().digest('hex') },
        remote: hashes.sha256Hash.toLowerCase(),
      }
    return {
      local: { algorithm: QUICK_XOR, value: this.quickXor.digest() },
      remote: hashes?.quickXorHash,
    }
  }
}
