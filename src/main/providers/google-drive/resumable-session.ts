import { AppError } from '../../../shared/app-error.ts'
import type { SourceReader } from '../../uploads/source-reader.ts'
import { ChunkSizer } from '../chunk-sizer.ts'
import type { UploadContext } from '../../uploads/uploader.ts'
import type { DriveApi } from './drive-api.ts'
import { FILE_FIELDS, type DriveFileResource } from './drive-files.ts'

/** Drive's rule: every chunk but the last is a whole multiple of 256 KiB. */
export const CHUNK_GRANULE = 256 * 1024

/** What is kept between runs so a restarted upload goes on in the same session. */
export interface SessionState {
  sessionUri: string
  name: string
  remoteFolder: string
  size: number
  mtimeMs: number
  sha256: string
  /** Bytes Drive has confirmed (its last 308 Range). */
  offset: number
}

export function sessionStateOf(resume: unknown): SessionState | undefined {
  const s = resume as Partial<SessionState> | null | undefined
  return typeof s?.sessionUri === 'string' &&
    typeof s.name === 'string' &&
    typeof s.offset === 'number' &&
    typeof s.sha256 === 'string'
    ? (s as SessionState)
    : undefined
}

/**
 * Drive sets no largest chunk; 64 MiB bounds the one buffer a chunk needs, and 1 MiB keeps a
 * chunk's round trip a small share even on a slow uplink.
 */
const CHUNK_RULES = { granule: CHUNK_GRANULE, min: 4 * CHUNK_GRANULE, max: 64 * 1024 * 1024 }

/** Chunk sizes for one upload: from the settings' chunk size, then from the measured rate. */
export function driveChunkSizer(asked: number, adaptive?: boolean): ChunkSizer {
  return new ChunkSizer(CHUNK_RULES, asked, adaptive)
}

/** A session that is gone (expired, unknown): the upload starts over in a fresh one. */
export class SessionGone extends Error {}

/** "bytes=0-N" from a 308 → N + 1; no Range header means nothing arrived yet. */
function confirmedOf(response: Response): number {
  const range = response.headers.get('range')
  if (range === null) return 0
  const match = /^bytes=0-(\d+)$/.exec(range)
  if (!match) throw new AppError('provider_error', `Google Drive sent an odd Range: ${range}.`)
  return Number(match[1]) + 1
}

/**
 * One resumable session (Drive's upload guide): POST for the session URI, then PUT chunks with
 * Content-Range; a 308 says how far it got. The URI and the confirmed offset are saved after
 * every chunk, so a run after a crash asks `bytes * /total` and sends only the rest.
 */
export class ResumableSession {
  private readonly api: DriveApi
  private readonly context: UploadContext
  private state: SessionState

  private constructor(api: DriveApi, context: UploadContext, state: SessionState) {
    this.api = api
    this.context = context
    this.state = state
  }

  static async open(
    api: DriveApi,
    context: UploadContext,
    meta: { name: string; folderId: string; modifiedTime: string },
    state: Omit<SessionState, 'sessionUri' | 'offset'>,
  ): Promise<ResumableSession> {
    const response = await api.send({
      method: 'POST',
      url: '/upload/drive/v3/files',
      query: { uploadType: 'resumable', fields: FILE_FIELDS },
      headers: {
        'content-type': 'application/json; charset=UTF-8',
        'x-upload-content-type': 'application/octet-stream',
        'x-upload-content-length': String(state.size),
      },
      body: JSON.stringify({
        name: meta.name,
        parents: [meta.folderId],
        modifiedTime: meta.modifiedTime,
      }),
      what: `a new upload session for ${meta.name}`,
      signal: context.signal,
    })
    await response.body?.cancel()
    const sessionUri = response.headers.get('location')
    if (!sessionUri) throw new AppError('provider_error', 'Google Drive gave no upload session.')
    const session = new ResumableSession(api, context, { ...state, sessionUri, offset: 0 })
    context.saveResume(session.state)
    return session
  }

  /** A saved session, asked how far it got; SessionGone when Drive no longer knows it. */
  static async reopen(api: DriveApi, context: UploadContext, state: SessionState) {
    const session = new ResumableSession(api, context, state)
    const done = await session.put(`bytes */${state.size}`, undefined)
    return { session, done }
  }

  get offset(): number {
    return this.state.offset
  }

  /** Sends the rest from the confirmed offset; the file resource Drive made of it. */
  async finish(reader: SourceReader, sizer: ChunkSizer): Promise<DriveFileResource> {
    const { size } = this.state
    for (;;) {
      const first = this.state.offset
      const length = Math.min(sizer.size, size - first)
      const chunk = await reader.read(first, length)
      const sentAt = performance.now()
      const done = await this.put(`bytes ${first}-${first + length - 1}/${size}`, chunk)
      if (done) return done
      sizer.record(this.state.offset - first, performance.now() - sentAt)
      if (this.state.offset <= first)
        throw new AppError('provider_error', `Google Drive kept nothing of the chunk at ${first}.`)
    }
  }

  /** One PUT to the session: the file when complete, else undefined with the offset saved. */
  private async put(contentRange: string, body: Buffer | undefined) {
    const response = await this.api.send({
      method: 'PUT',
      url: this.state.sessionUri,
      headers: { 'content-range': contentRange },
      body: body ?? Buffer.alloc(0),
      accept: [308, 404, 410],
      what: `the upload of ${this.state.name}`,
      upload: true,
      signal: this.context.signal,
    })
    if (response.status === 404 || response.status === 410) {
      await response.body?.cancel()
      throw new SessionGone()
    }
    if (response.status === 308) {
      await response.body?.cancel()
      this.state = { ...this.state, offset: confirmedOf(response) }
      this.context.saveResume(this.state)
      this.context.onProgress(this.state.offset)
      return undefined
    }
    return (await response.json()) as DriveFileResource
  }
}
