import { randomBytes } from 'node:crypto'
import { FOLDER_MIME, resource, type DriveFile, type DriveStore } from './drive-store.ts'
import { parseFields, project } from './fields.ts'
import { badRequest, driveError, json, notFound, type Reply } from './google-error.ts'

/** Non-final chunks of a resumable upload are whole multiples of this (Drive's upload guide). */
export const CHUNK_GRANULE = 256 * 1024

export interface FileMeta {
  name: string
  mimeType: string
  parents: string[]
  appProperties: Record<string, string>
}

interface Session {
  client: string
  meta: FileMeta
  total: number
  received: Buffer[]
  receivedBytes: number
  fields: string | null
  /** expired: past its lifetime (404); ended: terminated by the server (410 Gone). */
  gone: 'expired' | 'ended' | null
  file: DriveFile | null
}

export const quotaExceeded = () =>
  driveError(
    403,
    'storageQuotaExceeded',
    "The user's Drive storage quota has been exceeded.",
    'usageLimits',
  )

/**
 * Drive's media uploads: multipart (metadata and bytes in one request) and resumable sessions,
 * whose rules are checked exactly: chunks in multiples of 256 KiB but the last, Content-Range
 * matching the body, 308 with Range for what arrived, `bytes * /total` to ask, 404 once expired,
 * 410 Gone once the server ended it.
 */
export class Uploads {
  private readonly sessions = new Map<string, Session>()
  private readonly store: DriveStore

  constructor(store: DriveStore) {
    this.store = store
  }

  /** Every open session expires (Drive keeps them about a week). */
  expireAll(): void {
    for (const session of this.sessions.values()) session.gone = 'expired'
  }

  /**
   * Every open session is ended by the server. Google's status codes for resumable uploads: 410
   * Gone means the session expired or was terminated and cannot go on; the client must start a
   * new session (Drive's guide names 404 for the same, which expireAll gives).
   */
  endAll(): void {
    for (const session of this.sessions.values()) if (!session.file) session.gone = 'ended'
  }

  /** Bytes an open session holds, by id, for tests. */
  sessionBytes(): number[] {
    return [...this.sessions.values()].map((s) => s.receivedBytes)
  }

  /** Checks metadata as files.create does: a name, and parents that are this client's folders. */
  meta(raw: unknown, client: string): FileMeta | Reply {
    if (typeof raw !== 'object' || raw === null) return badRequest('Invalid JSON payload received.')
    const m = raw as Partial<FileMeta>
    if (typeof m.name !== 'string' || m.name === '') return badRequest('A name is required.')
    const parents = m.parents ?? ['root']
    if (!Array.isArray(parents) || parents.length !== 1)
      return badRequest('A shared drive item must have exactly one parent.')
    if (!this.store.isFolderFor(parents[0]!, client)) return notFound(parents[0]!)
    const appProperties = m.appProperties ?? {}
    for (const [key, value] of Object.entries(appProperties))
      if (Buffer.byteLength(key + value) > 124)
        return badRequest('The size of a property key and value may not exceed 124 bytes.')
    return {
      name: m.name,
      mimeType: m.mimeType ?? 'application/octet-stream',
      parents,
      appProperties,
    }
  }

  fitsQuota(bytes: number): boolean {
    return this.store.usedBytes() + bytes <= this.store.quotaBytes
  }

  /** POST /upload/drive/v3/files?uploadType=multipart (multipart/related: JSON, then bytes). */
  multipart(contentType: string, body: Buffer, client: string, fields: string | null): Reply {
    const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1]
    if (!/^multipart\/related/i.test(contentType) || !boundary)
      return badRequest('Content-Type must be multipart/related with a boundary.')
    const parts = splitParts(body, boundary)
    if (!parts || parts.length !== 2) return badRequest('Malformed multipart body.')
    let raw: unknown
    try {
      raw = JSON.parse(parts[0]!.body.toString('utf8'))
    } catch {
      return badRequest('Malformed multipart body.')
    }
    const meta = this.meta(raw, client)
    if ('status' in meta) return meta
    if (meta.mimeType === FOLDER_MIME) return badRequest('A folder cannot have content.')
    if (!this.fitsQuota(parts[1]!.body.length)) return quotaExceeded()
    const file = this.store.create(meta, client, parts[1]!.body)
    return fileReply(200, file, fields)
  }

  /** POST …?uploadType=resumable: a session for X-Upload-Content-Length bytes, in Location. */
  start(
    meta: FileMeta,
    declared: string | undefined,
    client: string,
    fields: string | null,
    origin: string,
  ): Reply {
    const total = Number(declared)
    if (declared === undefined || !Number.isSafeInteger(total) || total < 0)
      return badRequest('X-Upload-Content-Length is required for this upload.')
    if (!this.fitsQuota(total)) return quotaExceeded()
    const id = randomBytes(24).toString('base64url')
    this.sessions.set(id, {
      client,
      meta,
      total,
      received: [],
      receivedBytes: 0,
      fields,
      gone: null,
      file: null,
    })
    const location = `${origin}/upload/drive/v3/files?uploadType=resumable&upload_id=${id}`
    return { status: 200, headers: { location, 'x-guploader-uploadid': id }, body: '' }
  }

  /** PUT to the session URI: a chunk, or with an empty body and `bytes * /total`, a status query. */
  put(id: string, contentRange: string | undefined, body: Buffer): Reply {
    const session = this.sessions.get(id)
    if (!session || session.gone === 'expired')
      return driveError(404, 'notFound', 'Upload session not found or expired.')
    if (session.gone === 'ended')
      return driveError(410, 'gone', 'The upload session was terminated; start a new one.')
    if (session.file) return fileReply(200, session.file, session.fields)
    const query = /^bytes \*\/(\d+)$/.exec(contentRange ?? '')
    if (query) {
      if (body.length > 0) return badRequest('A status query has no body.')
      if (Number(query[1]) !== session.total)
        return badRequest('The total size does not match the session.')
      return incomplete(session)
    }
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(contentRange ?? '')
    if (!range) return badRequest('Content-Range is missing or malformed.')
    const [first, last] = [Number(range[1]), Number(range[2])]
    const total = range[3] === '*' ? null : Number(range[3])
    if (last < first || last - first + 1 !== body.length)
      return badRequest('Content-Range does not match the length of the body.')
    if (total !== null && total !== session.total)
      return badRequest('The total size does not match the session.')
    if (first > session.receivedBytes)
      return badRequest(
        `The upload offset is ${first} byte(s), which exceeds the already uploaded size of ${session.receivedBytes} byte(s).`,
      )
    if (last + 1 > session.total) return badRequest('The chunk goes past the declared size.')
    const final = last + 1 === session.total
    if (!final && body.length % CHUNK_GRANULE !== 0)
      return badRequest(
        `Invalid chunk size: a chunk that is not the last must be a multiple of ${CHUNK_GRANULE} bytes.`,
      )
    // Bytes it already holds (a resent overlap) are dropped; only the new ones are kept.
    const fresh = body.subarray(session.receivedBytes - first)
    session.received.push(fresh)
    session.receivedBytes += fresh.length
    if (!final) return incomplete(session)
    const content = Buffer.concat(session.received)
    if (!this.fitsQuota(content.length)) return quotaExceeded()
    session.file = this.store.create(session.meta, session.client, content)
    session.received = []
    return fileReply(200, session.file, session.fields)
  }

  /** Test hook: the session's owner, to check the bearer token that uses it. */
  ownerOf(id: string): string | undefined {
    return this.sessions.get(id)?.client
  }
}

function incomplete(session: Session): Reply {
  const headers: Record<string, string> = { 'content-length': '0' }
  if (session.receivedBytes > 0) headers.range = `bytes=0-${session.receivedBytes - 1}`
  return { status: 308, headers, body: '' }
}

export function fileReply(status: number, file: DriveFile, fields: string | null): Reply {
  const base = resource(file)
  const picked = fields
    ? project(base, parseFields(fields))
    : { kind: base.kind, id: base.id, name: base.name, mimeType: base.mimeType }
  return json(status, picked)
}

function splitParts(body: Buffer, boundary: string): Array<{ body: Buffer }> | null {
  const delimiter = Buffer.from(`--${boundary}`)
  const parts: Array<{ body: Buffer }> = []
  let at = body.indexOf(delimiter)
  if (at !== 0) return null
  while (true) {
    at += delimiter.length
    if (body.subarray(at, at + 2).toString() === '--') return parts
    const headEnd = body.indexOf('\r\n\r\n', at)
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headEnd)
    if (headEnd < 0 || next < 0) return null
    parts.push({ body: body.subarray(headEnd + 4, next) })
    at = next + 2
  }
}
