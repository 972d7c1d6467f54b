import type { FileHandle } from 'node:fs/promises'

/** Bytes gathered before a write: a write per socket read was a thread-pool trip per 64 KiB. */
const BATCH_BYTES = 4 * 1024 * 1024

/**
 * Writes a request body into a session file at `position` in large batches, with one batch
 * being written (on libuv's thread pool) while the next arrives, so storing does not hold up
 * reading the socket.
 */
export class WriteBehind {
  private readonly handle: FileHandle
  private position: number
  private batch: Buffer[] = []
  private batchBytes = 0
  private writing: Promise<void> = Promise.resolve()

  constructor(handle: FileHandle, position: number) {
    this.handle = handle
    this.position = position
  }

  async add(chunk: Buffer): Promise<void> {
    this.batch.push(chunk)
    this.batchBytes += chunk.length
    if (this.batchBytes >= BATCH_BYTES) await this.startNext()
  }

  /** Everything added is on disk (or the first write error is thrown). */
  async finish(): Promise<void> {
    await this.startNext()
    await this.writing
  }

  /** Waits out the write in flight, ignoring its outcome: the caller is rolling back. */
  async settle(): Promise<void> {
    this.batch = []
    this.batchBytes = 0
    await this.writing.catch(() => {})
  }

  private async startNext(): Promise<void> {
    await this.writing
    if (this.batchBytes === 0) return
    const buffers = this.batch
    const at = this.position
    this.position += this.batchBytes
    this.batch = []
    this.batchBytes = 0
    this.writing = writeAll(this.handle, buffers, at)
    // Observed at the next add/finish/settle; never an unhandled rejection meanwhile.
    this.writing.catch(() => {})
  }
}

async function writeAll(handle: FileHandle, buffers: Buffer[], position: number): Promise<void> {
  let rest = buffers
  let at = position
  while (rest.length > 0) {
    const { bytesWritten } = await handle.writev(rest, at)
    if (bytesWritten === 0) throw new Error('the session file takes no more bytes')
    at += bytesWritten
    rest = dropBytes(rest, bytesWritten)
  }
}

/** What is left of `buffers` after a short write of `count` bytes. */
function dropBytes(buffers: Buffer[], count: number): Buffer[] {
  let left = count
  let index = 0
  while (index < buffers.length && left >= buffers[index]!.length) left -= buffers[index++]!.length
  const rest = buffers.slice(index)
  if (left > 0 && rest.length > 0) rest[0] = rest[0]!.subarray(left)
  return rest
}
