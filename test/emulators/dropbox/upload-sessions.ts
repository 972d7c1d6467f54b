import { randomBytes } from 'node:crypto'
import { open, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ConcurrentPieces } from './concurrent-pieces.ts'
import { ContentHasher } from './content-hash.ts'
import { bodyChunks, type BodySource } from './request-body.ts'
import { WriteBehind } from './write-behind.ts'

/** files.stone: "A single request should not upload more than 150 MiB." */
export const MAX_REQUEST_BYTES = 150 * 1024 * 1024
/** files.stone UploadSessionLookupError.too_large: 2^41 - 2^22 bytes. */
export const MAX_FILE_BYTES = 2 ** 41 - 2 ** 22
/** files.stone upload_session/start: a session is usable for 7 days, then not_found. */
export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000

export interface UploadSession {
  id: string
  createdAt: number
  /** Bytes collected so far: the only offset the next append or finish may name. */
  offset: number
  closed: boolean
  /** Finished into a file; its bytes moved away. */
  committed: boolean
  localPath: string
  /** Whole-file content_hash so far, kept incrementally so finish never re-reads GiBs. */
  hasher: ContentHasher
  tail: Promise<void>
  /** session_type concurrent: the pieces appended so far, in any order. */
  concurrent: ConcurrentPieces | undefined
}

export type AppendRejection = 'payload_too_large' | 'content_hash_mismatch' | 'too_large'
export type AppendOutcome = { ok: true; bytes: number } | { ok: false; tag: AppendRejection }
type StoredBody =
  { ok: true; bytes: number; hash: ContentHasher } | { ok: false; tag: AppendRejection }

/**
 * Streams a request body to `writer` (file position `start`), hashing it; past the request or
 * file size limit it only counts what still arrives. Every byte is written before the answer.
 */
async function storeBody(
  source: BodySource,
  start: number,
  writer: WriteBehind,
  expectedHash: string | undefined,
  onBytes?: (chunk: Buffer) => void,
): Promise<StoredBody> {
  const hash = new ContentHasher()
  const declared = Number(source.req.headers['content-length'] ?? 0)
  let rejection: AppendRejection | undefined =
    declared > MAX_REQUEST_BYTES ? 'payload_too_large' : undefined
  let count = 0
  for await (const chunk of bodyChunks(source)) {
    count += chunk.length
    if (rejection) continue
    if (count > MAX_REQUEST_BYTES) rejection = 'payload_too_large'
    else if (start + count > MAX_FILE_BYTES) rejection = 'too_large'
    if (rejection) continue
    hash.update(chunk)
    onBytes?.(chunk)
    await writer.add(chunk)
  }
  if (rejection) return { ok: false, tag: rejection }
  await writer.finish()
  if (expectedHash !== undefined && hash.digest() !== expectedHash) {
    return { ok: false, tag: 'content_hash_mismatch' }
  }
  return { ok: true, bytes: count, hash }
}

/** Upload sessions with their bytes streamed to disk (never buffered whole in memory). */
export class UploadSessions {
  private readonly dir: string
  private readonly now: () => number
  private readonly sessions = new Map<string, UploadSession>()

  constructor(dir: string, now: () => number) {
    this.dir = dir
    this.now = now
  }

  async create(concurrent = false): Promise<UploadSession> {
    const id = `pid_upload_session:${randomBytes(24).toString('base64url')}`
    const localPath = join(this.dir, randomBytes(16).toString('hex'))
    await writeFile(localPath, '')
    const session: UploadSession = {
      id,
      createdAt: this.now(),
      offset: 0,
      closed: false,
      committed: false,
      localPath,
      hasher: new ContentHasher(),
      tail: Promise.resolve(),
      concurrent: concurrent ? new ConcurrentPieces() : undefined,
    }
    this.sessions.set(id, session)
    return session
  }

  /** Unknown and expired sessions look the same to clients: not_found. */
  find(id: string): UploadSession | undefined {
    const session = this.sessions.get(id)
    if (!session) return undefined
    if (this.now() - session.createdAt >= SESSION_TTL_MS) {
      this.sessions.delete(id)
      void rm(session.localPath, { force: true })
      return undefined
    }
    return session
  }

  /**
   * Requests on one session run one at a time, so a retry racing its own earlier attempt sees
   * that attempt's outcome (usually incorrect_offset) instead of interleaving bytes.
   */
  async exclusive<T>(session: UploadSession, work: () => Promise<T>): Promise<T> {
    const previous = session.tail
    let release = (): void => {}
    session.tail = new Promise((resolve) => (release = resolve))
    await previous
    try {
      return await work()
    } finally {
      release()
    }
  }

  /**
   * Streams the request body to the session file at its offset, hashing as it goes. Rejected or
   * interrupted bodies are rolled back, so the offset only ever moves on success.
   *
   * Each byte is hashed once: when the session ends on a 4 MiB boundary (every chunk of a
   * session whose chunk size is a multiple of 4 MiB), the request's own block digests continue
   * the session's hash.
   */
  async append(
    session: UploadSession,
    source: BodySource,
    expectedHash: string | undefined,
  ): Promise<AppendOutcome> {
    const start = session.offset
    const aligned = session.hasher.atBlockBoundary()
    const before = aligned ? undefined : session.hasher.snapshot()
    const handle = await open(session.localPath, 'r+')
    const writer = new WriteBehind(handle, start)
    const rollBack = async (): Promise<void> => {
      await writer.settle()
      await handle.truncate(start)
      if (before) session.hasher.restore(before)
    }
    try {
      const onBytes = aligned ? undefined : (chunk: Buffer) => session.hasher.update(chunk)
      const body = await storeBody(source, start, writer, expectedHash, onBytes)
      if (!body.ok) {
        await rollBack()
        return body
      }
      if (aligned) session.hasher.append(body.hash)
      session.offset = start + body.bytes
      return body
    } catch (error) {
      await rollBack()
      throw error
    } finally {
      await handle.close()
    }
  }

  /**
   * Streams one piece of a concurrent session into the session file at `offset`. A rejected
   * piece is not recorded (its bytes are overwritten by the piece sent there later, or cut off
   * when the session is finished); recorded pieces are never written over by another.
   */
  async appendPiece(
    session: UploadSession,
    source: BodySource,
    offset: number,
    expectedHash: string | undefined,
  ): Promise<AppendOutcome> {
    const handle = await open(session.localPath, 'r+')
    const writer = new WriteBehind(handle, offset)
    try {
      const body = await storeBody(source, offset, writer, expectedHash)
      if (!body.ok) await writer.settle()
      else session.concurrent!.add({ offset, length: body.bytes, hasher: body.hash })
      return body
    } catch (error) {
      await writer.settle()
      throw error
    } finally {
      await handle.close()
    }
  }

  /** The session's bytes were moved into a file (or were identical to it and dropped). */
  async markCommitted(session: UploadSession, moved: boolean): Promise<void> {
    session.committed = true
    session.closed = true
    if (!moved) await rm(session.localPath, { force: true })
  }

  async discard(session: UploadSession): Promise<void> {
    this.sessions.delete(session.id)
    await rm(session.localPath, { force: true })
  }
}
