import type { SourceReader } from '../../uploads/source-reader.ts'

interface Ahead {
  offset: number
  length: number
  slot: number
  data: Promise<Buffer>
}

/**
 * Reads the next chunk from disk while the current one is on the wire, so disk and network
 * overlap. Two buffers serve the whole file, the chunk on the wire and the one read ahead: a new
 * chunk-sized buffer per request was garbage that kept the collector busy (a quarter of the CLI's
 * CPU in a profile) and the resident size up.
 *
 * A chunk handed out by take() is read again by retries of its requests, so its buffer is never
 * written to until the caller takes the next one: the read-ahead always goes to the other buffer.
 */
export class ChunkReader {
  private readonly reader: SourceReader
  /** Made when first needed, and again after release(). */
  private readonly slots: Array<Buffer | undefined> = []
  private readonly slotSize: number
  /** The slot of the chunk last handed out (in use until the next take). */
  private current = 0
  private ahead: Ahead | undefined

  constructor(reader: SourceReader, chunkSize: number) {
    this.reader = reader
    // + 1: the read that ends the file also checks that nothing follows (SourceReader.read).
    this.slotSize = Math.min(chunkSize, reader.file.size) + 1
  }

  /** The chunk at `offset`; the one taken before must no longer be in use (its requests done). */
  async take(offset: number, length: number): Promise<Buffer> {
    const ahead = this.ahead
    this.ahead = undefined
    if (ahead) {
      if (ahead.offset === offset && ahead.length === length) {
        this.current = ahead.slot
        return ahead.data
      }
      // A read-ahead that is not wanted still writes into its buffer until it settles.
      await ahead.data.catch(() => {})
    }
    return this.reader.read(offset, length, this.slot(this.current))
  }

  /**
   * Starts reading the chunk at `offset` into the buffer that is not in use; `onRead` gets it as
   * soon as it is in, still while the current chunk is on the wire.
   */
  prefetch(offset: number, length: number, onRead?: (data: Buffer) => void): void {
    if (length <= 0 || this.ahead) return
    const slot = 1 - this.current
    const data = this.reader.read(offset, length, this.slot(slot)).then((chunk) => {
      onRead?.(chunk)
      return chunk
    })
    // A discarded read's failure is not an error; a taken one rejects where it is awaited.
    data.catch(() => {})
    this.ahead = { offset, length, slot, data }
  }

  /**
   * Lets go of both buffers, once the chunk last taken is no longer in use and nothing more is
   * to be read for now (the session holds every byte); a later take reads into new ones.
   */
  release(): void {
    // A read-ahead still writes into its buffer until it settles; the buffer goes with it.
    this.ahead = undefined
    this.slots.length = 0
  }

  private slot(index: number): Buffer {
    return (this.slots[index] ??= Buffer.allocUnsafeSlow(this.slotSize))
  }
}
