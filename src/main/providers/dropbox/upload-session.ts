import { AppError, isAppError } from '../../../shared/app-error.ts'
import { ChunkReader } from './chunk-reader.ts'
import type { RouteOutcome } from './dropbox-api.ts'
import type { HashCursor } from './hash-cursor.ts'
import type { DropboxResume } from './resume-state.ts'
import { withRequestHash } from './request-hash.ts'
import type { SourceReader } from '../../uploads/source-reader.ts'
import { uploadFailureOf, uploadFailureToError } from './upload-failure.ts'
import { callOptions, EMPTY_BODY, type UploadIo } from './upload-io.ts'

const APPEND = 'files/upload_session/append_v2'
/** Tries per chunk: lost connections, content_hash_mismatch, offsets that do not move forward. */
const CHUNK_TRIES = 5
/** New sessions per upload before giving the job back to the queue. */
const MAX_SESSIONS = 3

interface Position {
  sessionId: string
  offset: number
  createdAt: number
}

interface Chunk {
  data: Buffer
  /** The request's content_hash when the whole-file hasher already has it. */
  contentHash: string | undefined
}

export interface UploadSessionOptions {
  io: UploadIo
  reader: SourceReader
  hash: HashCursor
  chunkSize: number
  now: () => number
  saveResume(state: DropboxResume): void
  onProgress(bytes: number): void
  resume: DropboxResume | undefined
}

/**
 * Gets every byte of the file into one sequential upload session, chunk by chunk, each chunk read
 * from disk so it can be sent again. The server's offset is the truth: incorrect_offset moves us
 * to correct_offset (never a blind restart), and each acknowledged offset is saved before the
 * next chunk goes out, so a new process can continue the same session.
 */
export class UploadSession {
  private readonly options: UploadSessionOptions
  private readonly chunks: ChunkReader
  private position: Position | undefined
  private sessions = 0

  constructor(options: UploadSessionOptions) {
    this.options = options
    this.chunks = new ChunkReader(options.reader, options.chunkSize)
    const { resume } = options
    if (resume) this.position = { ...resume }
  }

  /** Resolves with the id of a session that holds the whole file. */
  async upload(): Promise<string> {
    for (;;) {
      if (this.position) this.options.onProgress(this.position.offset)
      this.position ??= await this.start()
      if (await this.appendRest(this.position)) {
        await this.options.hash.catchUp(this.options.reader.file.size, this.options.io.signal)
        return this.position.sessionId
      }
      this.forget()
    }
  }

  /** finish found fewer bytes in the session than the file has: append from `offset` on. */
  moveTo(offset: number): void {
    if (this.position) this.position.offset = offset
  }

  /** The session is gone (not_found, e.g. past its 7 days): the next upload() starts anew. */
  forget(): void {
    this.position = undefined
  }

  /** Holds every byte and only waits for its commit: no chunk memory; a re-send reads again. */
  release(): void {
    this.chunks.release()
  }

  private async start(): Promise<Position> {
    if (++this.sessions > MAX_SESSIONS) {
      throw new AppError('provider_error', 'Dropbox keeps losing the upload session.')
    }
    const { io, chunkSize, reader } = this.options
    const { data, contentHash } = await this.nextChunk(0, Math.min(chunkSize, reader.file.size))
    // The last bytes close the session: finish_batch_v2 commits only closed sessions.
    const close = data.length === reader.file.size ? { close: true } : {}
    for (let tries = 1; ; tries++) {
      const outcome = await io.api.upload<{ session_id: string }>(
        'files/upload_session/start',
        withRequestHash(close, data, contentHash),
        data,
        callOptions(io),
      )
      if (outcome.ok) {
        const position = {
          sessionId: outcome.value.session_id,
          offset: data.length,
          createdAt: this.options.now(),
        }
        this.acknowledge(position)
        return position
      }
      this.throwUnlessDamaged(outcome, tries, 'files/upload_session/start')
    }
  }

  /** True once the server holds every byte; false when the session is gone. */
  private async appendRest(position: Position): Promise<boolean> {
    const { size } = this.options.reader.file
    let stalls = 0
    while (position.offset < size) {
      this.options.io.signal.throwIfAborted()
      const from = position.offset
      const chunk = await this.nextChunk(from, Math.min(this.options.chunkSize, size - from))
      const next = await this.append(position, chunk)
      if (next === 'lost' || next > size) return false
      if (next <= from && ++stalls >= CHUNK_TRIES) {
        throw new AppError('provider_error', `Dropbox keeps answering incorrect_offset at ${from}.`)
      }
      position.offset = next
      this.acknowledge(position)
    }
    return true
  }

  /**
   * Reads a chunk, checks the file is still the settled one, hashes it, and reads and hashes the
   * next one while this one is on the wire, so little is left to do between an answer and the
   * next request.
   */
  private async nextChunk(offset: number, length: number): Promise<Chunk> {
    const { reader, hash, io, chunkSize } = this.options
    const data = await this.chunks.take(offset, length)
    await reader.checkUnchanged()
    await hash.catchUp(offset, io.signal)
    hash.feed(offset, data) // nothing left to do when the read-ahead hashed it
    // Computed once per chunk: a retry sends the same bytes, so the same hash.
    const contentHash = hash.rangeHash(offset, length)
    const after = offset + length
    this.chunks.prefetch(after, Math.min(chunkSize, reader.file.size - after), (next) => {
      // In file order only; a read-ahead that comes after a gap is hashed when it is taken.
      if (hash.position >= after) hash.feed(after, next)
    })
    return { data, contentHash }
  }

  /** The offset the server holds after sending `data` at the current one, or 'lost'. */
  private async append(position: Position, chunk: Chunk): Promise<number | 'lost'> {
    const { io } = this.options
    const { data, contentHash } = chunk
    const cursor = { session_id: position.sessionId, offset: position.offset }
    const closing = position.offset + data.length === this.options.reader.file.size
    for (let tries = 1; ; tries++) {
      let outcome: RouteOutcome<null>
      try {
        const arg = withRequestHash(
          closing ? { cursor, close: true } : { cursor },
          data,
          contentHash,
        )
        outcome = await io.api.upload<null>(APPEND, arg, data, callOptions(io, false))
      } catch (error) {
        if (io.signal.aborted || !isAppError(error, 'network') || tries >= CHUNK_TRIES) throw error
        // The answer was lost, maybe not the bytes: an empty append at the same offset asks
        // where the server is without sending the chunk again (ok = still here, else
        // incorrect_offset tells the real offset).
        outcome = await io.api.upload<null>(APPEND, { cursor }, EMPTY_BODY, callOptions(io))
        if (outcome.ok) continue
      }
      if (outcome.ok) return position.offset + data.length
      const failure = uploadFailureOf(outcome.failure)
      if (failure.tag === 'incorrect_offset' && failure.correctOffset !== undefined) {
        return failure.correctOffset
      }
      // Only our closing append closes a session: "closed" after it was sent means it arrived.
      if (failure.tag === 'closed' && closing) return position.offset + data.length
      if (failure.tag === 'not_found' || failure.tag === 'closed') return 'lost'
      this.throwUnlessDamaged(outcome, tries, APPEND)
    }
  }

  /** content_hash_mismatch: the bytes were damaged on the way, send them again; else final. */
  private throwUnlessDamaged(outcome: RouteOutcome<unknown>, tries: number, route: string): void {
    if (outcome.ok) return
    const failure = uploadFailureOf(outcome.failure)
    if (failure.tag !== 'content_hash_mismatch') throw uploadFailureToError(failure, route)
    if (tries >= CHUNK_TRIES) {
      throw new AppError('verification_failed', 'Dropbox kept receiving different bytes than sent.')
    }
  }

  private acknowledge(position: Position): void {
    const { file } = this.options.reader
    this.options.saveResume({
      kind: 'dropbox-upload-session',
      ...position,
      size: file.size,
      mtimeMs: file.mtimeMs,
    })
    this.options.onProgress(position.offset)
  }
}
