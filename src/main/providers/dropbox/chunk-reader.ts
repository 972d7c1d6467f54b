import type { SourceReader } from './source-reader.ts'

interface Ahead {
  offset: number
  length: number
  data: Promise<Buffer>
}

/**
 * Reads the next chunk from disk while the current one is on the wire, so disk and network
 * overlap: at most two chunks are in memory, whatever the file size.
 */
export class ChunkReader {
  private readonly reader: SourceReader
  private ahead: Ahead | undefined

  constructor(reader: SourceReader) {
    this.reader = reader
  }

  take(offset: number, length: number): Promise<Buffer> {
    const ahead = this.ahead
    this.ahead = undefined
    if (ahead && ahead.offset === offset && ahead.length === length) return ahead.data
    return this.reader.read(offset, length)
  }

  prefetch(offset: number, length: number): void {
    if (length <= 0) return
    const data = this.reader.read(offset, length)
    // A discarded read's failure is not an error; a taken one rejects where it is awaited.
    data.catch(() => {})
    this.ahead = { offset, length, data }
  }
}
