import { AppError, isAppError } from '../../../shared/app-error.ts'
import type { ChunkSizer } from '../chunk-sizer.ts'
import type { SourceReader } from '../../uploads/source-reader.ts'
import { ChunkBuffers } from './chunk-buffers.ts'
import type { RouteOutcome } from './dropbox-api.ts'
import type { HashCursor } from './hash-cursor.ts'
import { PieceSet, type Piece } from './piece-set.ts'
import type { DropboxResume } from './resume-state.ts'
import { uploadFailureOf, uploadFailureToError } from './upload-failure.ts'
import { callOptions, EMPTY_BODY, type UploadIo } from './upload-io.ts'

const START = 'files/upload_session/start'
const APPEND = 'files/upload_session/append_v2'
/** Tries per piece: lost connections and content_hash_mismatch. */
const PIECE_TRIES = 5
/** New sessions per upload before giving the job back to the queue. */
const MAX_SESSIONS = 3

export interface ConcurrentSessionOptions {
  io: UploadIo
  reader: SourceReader
  hash: HashCursor
  /** The size of the next piece (4 MiB multiples), fed with each piece's time on the wire. */
  sizer: ChunkSizer
  /** Appends on the wire at once. */
  parallel: number
  /** parallel + 1 buffers: the pieces on the wire and the one being read and hashed. */
  buffers: ChunkBuffers
  now: () => number
  /** Monotonic milliseconds, for the time a piece took. */
  clock: () => number
  saveResume(state: DropboxResume): void
  onProgress(bytes: number): void
  resume: DropboxResume | undefined
}

interface Session {
  sessionId: string
  createdAt: number
}

/** A piece's request: its bytes and their content_hash (from the one pass of the hash cursor). */
interface Outgoing extends Piece {
  /** The pooled buffer `data` is a view of: given back once the piece's requests are done. */
  buffer: Buffer
  data: Buffer
  contentHash: string | undefined
  final: boolean
}

/**
 * Gets a large file into a concurrent upload session (files.stone session_type concurrent):
 * started empty, pieces on 4 MiB offsets appended `parallel` at a time in any order, the final
 * piece (close:true, any length) last, once all others are in, since an append after the close
 * is refused. Each acknowledged piece is saved, so a new process sends only the missing ones.
 * Pieces are read and hashed in file order by one loop, so the whole-file hash and each
 * request's hash come from one pass over the bytes.
 */
export class ConcurrentSession {
  private readonly options: ConcurrentSessionOptions
  private session: Session | undefined
  private acked = new PieceSet()
  /** Cut and on the wire (or cut by a process that crashed): re-sent exactly as cut. */
  private sending = new PieceSet()
  private sessions = 0

  constructor(options: ConcurrentSessionOptions) {
    this.options = options
    const { resume } = options
    if (resume?.pieces) {
      this.session = { sessionId: resume.sessionId, createdAt: resume.createdAt }
      const pieces = (list: Array<[number, number]>) =>
        new PieceSet(list.map(([offset, length]) => ({ offset, length })))
      this.acked = pieces(resume.pieces)
      this.sending = pieces(resume.sending ?? [])
    }
  }

  /** Resolves with the id of a closed session that holds the whole file. */
  async upload(): Promise<string> {
    const { reader, hash, io } = this.options
    for (;;) {
      this.session ??= await this.start()
      this.options.onProgress(this.acked.bytes)
      if (await this.sendMissing(this.session)) {
        await hash.catchUp(reader.file.size, io.signal)
        return this.session.sessionId
      }
      this.forget()
    }
  }

  /** A finish found the session short of the file: its pieces can't be trusted, start anew. */
  moveTo(): void {
    this.forget()
  }

  forget(): void {
    this.session = undefined
    this.acked = new PieceSet()
    this.sending = new PieceSet()
  }

  /** Holds every byte and only waits for its commit: no chunk memory; a re-send reads again. */
  release(): void {
    this.options.buffers.dropFree()
  }

  private async start(): Promise<Session> {
    if (++this.sessions > MAX_SESSIONS) {
      throw new AppError('provider_error', 'Dropbox keeps losing the upload session.')
    }
    const { io } = this.options
    // No data and no close on a concurrent start (concurrent_session_data_not_allowed …).
    const arg = { session_type: { '.tag': 'concurrent' } }
    const outcome = await io.api.upload<{ session_id: string }>(
      START,
      arg,
      EMPTY_BODY,
      callOptions(io),
    )
    if (!outcome.ok) throw uploadFailureToError(uploadFailureOf(outcome.failure), START)
    const session = { sessionId: outcome.value.session_id, createdAt: this.options.now() }
    this.save(session)
    return session
  }

  /** True once every piece is in and the session closed; false when the session is gone. */
  private async sendMissing(session: Session): Promise<boolean> {
    const running = new Set<Promise<void>>()
    const outcome: { lost: boolean; failure?: { error: unknown } } = { lost: false }
    const stopped = () => outcome.lost || outcome.failure !== undefined
    try {
      for (const piece of this.missing()) {
        if (piece.final) {
          // An append after the closing one would be refused: the others must be in first.
          while (running.size > 0 && !stopped()) await Promise.race(running)
        }
        if (stopped()) break
        const outgoing = await this.prepare(session, piece)
        while (running.size >= this.options.parallel) await Promise.race(running)
        if (stopped()) {
          this.options.buffers.release(outgoing.buffer)
          break
        }
        const sent = this.send(session, outgoing)
          .then(
            (ok) => void (outcome.lost ||= !ok),
            (error: unknown) => void (outcome.failure ??= { error }),
          )
          .finally(() => {
            this.options.buffers.release(outgoing.buffer)
            running.delete(sent)
          })
        running.add(sent)
        if (piece.final) await sent
      }
    } finally {
      // Nothing of this upload may still be on the wire once it returns or throws.
      await Promise.allSettled(running)
    }
    if (outcome.failure) throw outcome.failure.error
    this.options.io.signal.throwIfAborted()
    return !outcome.lost && this.acked.covers(this.options.reader.file.size)
  }

  /**
   * The pieces not yet acknowledged, in file order, cut when they are reached so each takes the
   * size the sizer says then: 4 MiB multiples, but the final piece, which ends the file.
   */
  private *missing(): Generator<Piece & { final: boolean }> {
    const { size } = this.options.reader.file
    let at = 0
    while (at < size) {
      const held = this.acked.at(at)
      if (held) {
        at += held.length
        continue
      }
      const cut = this.sending.at(at)
      const until = Math.min(this.acked.nextAfter(at) ?? size, this.sending.nextAfter(at) ?? size)
      const length = cut?.length ?? Math.min(this.options.sizer.size, until - at)
      yield { offset: at, length, final: at + length === size }
      at += length
    }
  }

  /** Reads a piece into a free buffer, checks the file is the settled one, hashes it in order. */
  private async prepare(session: Session, piece: Piece & { final: boolean }): Promise<Outgoing> {
    const { reader, hash, io, buffers } = this.options
    const { offset, length } = piece
    // + 1: the read that ends the file also checks that nothing follows (SourceReader.read).
    const buffer = await buffers.acquire(length + 1, io.signal)
    let data: Buffer
    try {
      data = await reader.read(offset, length, buffer)
      await reader.checkUnchanged()
      await hash.catchUp(offset, io.signal)
    } catch (error) {
      buffers.release(buffer)
      throw error
    }
    hash.feed(offset, data)
    if (!this.sending.at(offset)) {
      this.sending.add({ offset, length })
      this.save(session)
    }
    return { ...piece, buffer, data, contentHash: hash.rangeHash(offset, length) }
  }

  /** True once the piece is acknowledged; false when the session is gone. */
  private async send(session: Session, piece: Outgoing): Promise<boolean> {
    const { io, sizer, clock } = this.options
    const cursor = { session_id: session.sessionId, offset: piece.offset }
    const arg = {
      cursor,
      ...(piece.final ? { close: true } : {}),
      ...(piece.contentHash ? { content_hash: piece.contentHash } : {}),
    }
    for (let tries = 1; ; tries++) {
      const began = clock()
      let outcome: RouteOutcome<null>
      try {
        outcome = await io.api.upload<null>(APPEND, arg, piece.data, callOptions(io, false))
      } catch (error) {
        // Sending the same piece again is safe: it lands at its own offset.
        if (io.signal.aborted || !isAppError(error, 'network') || tries >= PIECE_TRIES) throw error
        continue
      }
      if (outcome.ok) {
        sizer.record(piece.length, clock() - began)
        this.acknowledge(session, piece)
        return true
      }
      const failure = uploadFailureOf(outcome.failure)
      // The closing append went through before its answer was lost: the session is complete.
      if (failure.tag === 'closed' && piece.final) {
        this.acknowledge(session, piece)
        return true
      }
      if (failure.tag === 'not_found' || failure.tag === 'closed') return false
      if (failure.tag !== 'content_hash_mismatch') throw uploadFailureToError(failure, APPEND)
      if (tries >= PIECE_TRIES) {
        throw new AppError(
          'verification_failed',
          'Dropbox kept receiving different bytes than sent.',
        )
      }
    }
  }

  private acknowledge(session: Session, piece: Piece): void {
    this.acked.add({ offset: piece.offset, length: piece.length })
    this.sending.remove(piece.offset)
    this.save(session)
    this.options.onProgress(this.acked.bytes)
  }

  private save(session: Session): void {
    const { file } = this.options.reader
    this.options.saveResume({
      kind: 'dropbox-upload-session',
      ...session,
      offset: this.acked.prefix,
      size: file.size,
      mtimeMs: file.mtimeMs,
      pieces: pairs(this.acked),
      sending: pairs(this.sending),
    })
  }
}

function pairs(set: PieceSet): Array<[number, number]> {
  return set.list().map((piece) => [piece.offset, piece.length])
}
