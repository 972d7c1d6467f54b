import { createHash, type Hash } from 'node:crypto'
import type { Checksum } from '../../uploads/uploader.ts'
import type { SourceReader } from '../../uploads/source-reader.ts'
import { QUICK_XOR, reportedChecksum, type DriveItem } from './drive-item.ts'
import { QuickXorHash } from './quick-xor-hash.ts'

const READ_BYTES = 4 * 1024 * 1024

/**
 * The local file's SHA-256 and QuickXorHash (a personal drive reports the one, a business drive
 * the other), computed from the bytes as they are sent, each byte once: a fragment sent again
 * (after a 416 or a retry) is not counted twice, and a resumed upload first reads the part the
 * server already had from disk. SHA-1, which Graph may report alone, is read from disk only then.
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
    this.update(fresh)
    this.hashed += fresh.length
  }

  /** Reads and hashes the file from where hashing stopped up to `offset`. */
  async catchUp(offset: number): Promise<void> {
    while (this.hashed < offset) {
      const length = Math.min(READ_BYTES, offset - this.hashed)
      const bytes = await this.reader.read(this.hashed, length)
      this.update(bytes)
      this.hashed += length
    }
  }

  private update(bytes: Uint8Array): void {
    this.sha256.update(bytes)
    this.quickXor.update(bytes)
  }

  /**
   * The file's checksum by the algorithm OneDrive reports for `item` (SHA-256, else QuickXorHash,
   * else SHA-1), all bytes hashed; `remote` undefined when it reports none of them.
   */
  async checksumFor(item: DriveItem): Promise<{ local: Checksum; remote: string | undefined }> {
    await this.catchUp(this.reader.file.size)
    const reported = reportedChecksum(item)
    const algorithm = reported?.algorithm ?? QUICK_XOR
    const value =
      algorithm === 'sha256'
        ? this.sha256.copy().digest('hex')
        : algorithm === 'sha1'
          ? await this.sha1FromDisk()
          : this.quickXor.digest()
    return { local: { algorithm, value }, remote: reported?.value }
  }

  /** The rare fall-back, read again rather than hashed into every upload. */
  private async sha1FromDisk(): Promise<string> {
    const sha1 = createHash('sha1')
    for (let offset = 0; offset < this.reader.file.size; offset += READ_BYTES) {
      sha1.update(
        await this.reader.read(offset, Math.min(READ_BYTES, this.reader.file.size - offset)),
      )
    }
    return sha1.digest('hex')
  }
}
