import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { graphError, json, readBody, type Reply } from './http-reply.ts'

export const FRAGMENT_MULTIPLE = 320 * 1024
export const MAX_FRAGMENT_BYTES = 60 * 1024 * 1024

export interface UploadSession {
  id: string
  /** Where the file goes when its last byte arrives. */
  path: string
  name: string
  conflictBehavior: string
  received: Buffer[]
  next: number
  total: number | undefined
  expiresAt: number
}

/** What the server does with a session whose last byte arrived: 201 with the item, or an error. */
export type Commit = (session: UploadSession, bytes: Buffer) => Reply

/**
 * Resumable upload sessions as Graph documents them: the uploadUrl is pre-authenticated (an
 * Authorization header is refused with 401); fragments carry Content-Range, are multiples of
 * 320 KiB (the last one excepted), under 60 MiB, sent in order; 202s carry nextExpectedRanges;
 * a range already received gives 416; GET says where it stands; DELETE cancels; an expired
 * session is gone (404).
 */
export class UploadSessions {
  private readonly sessions = new Map<string, UploadSession>()

  private readonly lifetimeMs: () => number
  private readonly now: () => number

  constructor(lifetimeMs: () => number, now: () => number) {
    this.lifetimeMs = lifetimeMs
    this.now = now
  }

  create(path: string, name: string, conflictBehavior: string, origin: string): Reply {
    const session: UploadSession = {
      id: randomBytes(18).toString('base64url'),
      path,
      name,
      conflictBehavior,
      received: [],
      next: 0,
      total: undefined,
      expiresAt: this.now() + this.lifetimeMs(),
    }
    this.sessions.set(session.id, session)
    return json(200, {
      uploadUrl: `${origin}/_upload/${session.id}`,
      expirationDateTime: new Date(session.expiresAt).toISOString(),
      nextExpectedRanges: ['0-'],
    })
  }

  /** Every open session ends now, as if a day had passed. */
  expireAll(): void {
    for (const session of this.sessions.values()) session.expiresAt = 0
  }

  count(): number {
    return this.sessions.size
  }

  async handle(req: IncomingMessage, id: string, commit: Commit): Promise<Reply> {
    if (req.headers.authorization !== undefined) {
      await readBody(req)
      return graphError(
        401,
        'unauthenticated',
        'The upload URL is pre-authenticated: do not send an Authorization header.',
      )
    }
    const session = this.live(id)
    if (!session) {
      await readBody(req)
      return graphError(404, 'itemNotFound', 'The upload session was not found or has expired.')
    }
    if (req.method === 'GET') return status(session)
    if (req.method === 'DELETE') {
      this.sessions.delete(id)
      return { status: 204 }
    }
    if (req.method !== 'PUT') return graphError(405, 'invalidRequest', 'Method not allowed.')
    return this.fragment(req, session, commit)
  }

  private live(id: string): UploadSession | undefined {
    const session = this.sessions.get(id)
    if (session && session.expiresAt <= this.now()) this.sessions.delete(id)
    return this.sessions.get(id)
  }

  private async fragment(
    req: IncomingMessage,
    session: UploadSession,
    commit: Commit,
  ): Promise<Reply> {
    const body = await readBody(req)
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(req.headers['content-range'] ?? '')
    if (!range)
      return graphError(
        400,
        'invalidRequest',
        'A Content-Range header "bytes start-end/total" is required.',
      )
    const [start, end, total] = range.slice(1).map(Number) as [number, number, number]
    const length = end - start + 1
    if (Number(req.headers['content-length']) !== length || body.length !== length)
      return graphError(400, 'invalidRequest', 'Content-Length does not match Content-Range.')
    if (end >= total || (session.total !== undefined && total !== session.total))
      return graphError(400, 'invalidRange', 'The Content-Range total does not match the session.')
    if (length >= MAX_FRAGMENT_BYTES)
      return graphError(413, 'requestEntityTooLarge', 'Fragments must be smaller than 60 MiB.')
    if (start < session.next)
      return graphError(
        416,
        'invalidRange',
        'The uploaded fragment overlaps with data that has already been received.',
      )
    if (start > session.next)
      return graphError(
        400,
        'invalidRange',
        `Fragments must be sent in order: expected bytes ${session.next}-.`,
      )
    const last = end === total - 1
    if (!last && length % FRAGMENT_MULTIPLE !== 0)
      return graphError(
        400,
        'invalidRange',
        'Fragment size must be a multiple of 320 KiB (327,680 bytes).',
      )
    session.total = total
    session.received.push(body)
    session.next = end + 1
    if (!last) return status(session, 202)
    this.sessions.delete(session.id)
    return commit(session, Buffer.concat(session.received))
  }
}

function status(session: UploadSession, code = 200): Reply {
  const upTo = session.total === undefined ? '' : String(session.total - 1)
  return json(code, {
    expirationDateTime: new Date(session.expiresAt).toISOString(),
    nextExpectedRanges: [`${session.next}-${upTo}`],
  })
}
