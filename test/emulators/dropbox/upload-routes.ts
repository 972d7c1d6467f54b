import { truncate } from 'node:fs/promises'
import { Fields, voidUnion } from './arg-reader.ts'
import { COMMIT_FIELDS, readCommitInfo, type CommitInfo } from './commit-info.ts'
import type { Blob } from './file-store.ts'
import { badInput, endpointError, jsonReply, type Reply } from './reply.ts'
import type { EmulatorState, RouteContext, RouteHandler } from './route-context.ts'
import { contentArgs, isReply, parseArg, readContentHash, unsupportedTarget } from './route-args.ts'
import { bodyChunks } from './request-body.ts'
import { MAX_REQUEST_BYTES, type UploadSession } from './upload-sessions.ts'
import type { CommitFault } from './faults.ts'

export function blobOf(session: UploadSession): Blob {
  return {
    localPath: session.localPath,
    size: session.offset,
    contentHash: session.hasher.digest(),
  }
}

export interface Cursor {
  sessionId: string
  offset: number
}

export function readCursor(fields: Fields): Cursor {
  const cursor = fields.struct('cursor', ['session_id', 'offset'])
  return {
    sessionId: cursor.str('session_id', { required: true }) ?? '',
    offset: cursor.uint('offset', { required: true }) ?? 0,
  }
}

/** A new session holding the request's body; a rejected or broken body leaves none behind. */
async function sessionWithBody(
  state: EmulatorState,
  ctx: RouteContext,
  contentHash: string | undefined,
): Promise<UploadSession | Reply> {
  const session = await state.sessions.create()
  try {
    const appended = await state.sessions.append(session, ctx, contentHash)
    if (appended.ok) return session
    await state.sessions.discard(session)
    return endpointError({ '.tag': appended.tag })
  } catch (error) {
    await state.sessions.discard(session)
    throw error
  }
}

/**
 * files/upload. The body becomes a closed session first: a failed commit answers
 * UploadWriteFailed with that session's id, so the client can retry the commit through
 * upload_session/finish with an empty body (files.stone UploadWriteFailed).
 */
export const uploadRoute: RouteHandler = async (state, ctx) => {
  const args = contentArgs(state, ctx, [...COMMIT_FIELDS, 'content_hash'])
  if (isReply(args)) return args
  const parsed = parseArg(ctx, args.where, () => ({
    info: readCommitInfo(args.fields),
    contentHash: readContentHash(args.fields),
  }))
  if (isReply(parsed)) return parsed
  const unsupported = unsupportedTarget(ctx, args.where, parsed.info.path)
  if (unsupported) return unsupported

  const session = await sessionWithBody(state, ctx, parsed.contentHash)
  if (isReply(session)) return session
  session.closed = true
  const result = await state.files.commit(blobOf(session), parsed.info, ctx.commitFault)
  if (!result.ok) {
    return endpointError({ '.tag': 'path', reason: result.error, upload_session_id: session.id })
  }
  await state.sessions.markCommitted(session, result.written)
  return jsonReply(200, result.metadata)
}

/**
 * upload_session/start. A concurrent session (session_type concurrent) starts empty and open:
 * files.stone refuses data (concurrent_session_data_not_allowed) and close
 * (concurrent_session_close_not_allowed) on its start.
 */
export const startRoute: RouteHandler = async (state, ctx) => {
  const args = contentArgs(state, ctx, ['close', 'session_type', 'content_hash'])
  if (isReply(args)) return args
  const parsed = parseArg(ctx, args.where, () => {
    const type = args.fields.raw('session_type')
    return {
      close: args.fields.bool('close') ?? false,
      sessionType:
        type == null ? 'sequential' : voidUnion(type, ['sequential', 'concurrent'], 'session_type'),
      contentHash: readContentHash(args.fields),
    }
  })
  if (isReply(parsed)) return parsed
  if (parsed.sessionType === 'concurrent') return startConcurrent(state, ctx, parsed.close)
  const session = await sessionWithBody(state, ctx, parsed.contentHash)
  if (isReply(session)) return session
  session.closed = parsed.close
  return jsonReply(200, { session_id: session.id })
}

async function startConcurrent(
  state: EmulatorState,
  ctx: RouteContext,
  close: boolean,
): Promise<Reply> {
  if ((await bodyLength(ctx)) > 0)
    return endpointError({ '.tag': 'concurrent_session_data_not_allowed' })
  if (close) return endpointError({ '.tag': 'concurrent_session_close_not_allowed' })
  const session = await state.sessions.create(true)
  return jsonReply(200, { session_id: session.id })
}

async function bodyLength(ctx: RouteContext): Promise<number> {
  let count = 0
  for await (const chunk of bodyChunks(ctx)) count += chunk.length
  return count
}

/** Shared lookup rules (files.stone UploadSessionLookupError). */
export function lookupProblem(
  session: UploadSession,
  cursor: Cursor,
  forFinish: boolean,
): Record<string, unknown> | undefined {
  // A committed session is gone for finish, and "closed (i.e. committed)" for append.
  if (session.committed) return { '.tag': forFinish ? 'not_found' : 'closed' }
  if (session.closed && !forFinish) return { '.tag': 'closed' }
  if (cursor.offset !== session.offset)
    return { '.tag': 'incorrect_offset', correct_offset: session.offset }
  return undefined
}

/** upload_session/append_v2 → null. */
export const appendRoute: RouteHandler = async (state, ctx) => {
  const args = contentArgs(state, ctx, ['cursor', 'close', 'content_hash'])
  if (isReply(args)) return args
  const parsed = parseArg(ctx, args.where, () => ({
    cursor: readCursor(args.fields),
    close: args.fields.bool('close') ?? false,
    contentHash: readContentHash(args.fields),
  }))
  if (isReply(parsed)) return parsed
  const session = state.sessions.find(parsed.cursor.sessionId)
  if (!session) return endpointError({ '.tag': 'not_found' })
  // Pieces of a concurrent session are taken in parallel, in any order.
  if (session.concurrent) return appendPiece(state, ctx, session, parsed)
  return state.sessions.exclusive(session, async () => {
    if (!state.sessions.find(session.id)) return endpointError({ '.tag': 'not_found' })
    const problem = lookupProblem(session, parsed.cursor, false)
    if (problem) return endpointError(problem)
    const appended = await state.sessions.append(session, ctx, parsed.contentHash)
    if (!appended.ok) return endpointError({ '.tag': appended.tag })
    if (parsed.close) session.closed = true
    return jsonReply(200, null)
  })
}

interface AppendArg {
  cursor: Cursor
  close: boolean
  contentHash: string | undefined
}

/**
 * append_v2 on a concurrent session: offset and length on 4 MiB multiples (but the close:true
 * append's length), checked against the declared Content-Length before a byte is written.
 */
async function appendPiece(
  state: EmulatorState,
  ctx: RouteContext,
  session: UploadSession,
  arg: AppendArg,
): Promise<Reply> {
  const pieces = session.concurrent!
  const { offset } = arg.cursor
  if (session.committed || session.closed) return endpointError({ '.tag': 'closed' })
  const declared = ctx.req.headers['content-length']
  if (declared === undefined) {
    return badInput(ctx.route, 'the emulator needs a Content-Length on concurrent appends')
  }
  const length = Number(declared)
  if (length > MAX_REQUEST_BYTES) return endpointError({ '.tag': 'payload_too_large' })
  const release = await pieces.reserve(offset, length)
  try {
    // Checked once the range is ours: a request before us may have closed or filled it.
    if (session.committed || session.closed) return endpointError({ '.tag': 'closed' })
    const rejection = pieces.check(offset, length, arg.close)
    if (rejection) return endpointError({ '.tag': rejection })
    const appended = await state.sessions.appendPiece(session, ctx, offset, arg.contentHash)
    if (!appended.ok) return endpointError({ '.tag': appended.tag })
    if (arg.close) {
      pieces.end = offset + appended.bytes
      session.closed = true
    }
    return jsonReply(200, null)
  } finally {
    release()
  }
}

/**
 * finish on a concurrent session: no data (concurrent_session_data_not_allowed), then the rules
 * of assembleConcurrent.
 */
async function finishConcurrent(
  state: EmulatorState,
  ctx: RouteContext,
  session: UploadSession,
  arg: { cursor: Cursor; commit: CommitInfo },
): Promise<Reply> {
  if (session.committed) {
    return endpointError({ '.tag': 'lookup_failed', lookup_failed: { '.tag': 'not_found' } })
  }
  if ((await bodyLength(ctx)) > 0)
    return endpointError({ '.tag': 'concurrent_session_data_not_allowed' })
  const problem = await assembleConcurrent(session, arg.cursor)
  if (problem) return endpointError(problem)
  return commitSession(state, ctx, session, arg.commit)
}

/**
 * Joins a concurrent session's pieces into its file before a commit (finish or a
 * finish_batch_v2 entry): closed (concurrent_session_not_closed), every piece up to the end
 * present (concurrent_session_missing_data), and the cursor at the end. The UploadSessionFinishError
 * when a rule is broken.
 */
export async function assembleConcurrent(
  session: UploadSession,
  cursor: Cursor,
): Promise<Record<string, unknown> | undefined> {
  if (!session.closed) return { '.tag': 'concurrent_session_not_closed' }
  const assembled = session.concurrent!.assemble()
  if (!assembled.ok) return { '.tag': 'concurrent_session_missing_data' }
  if (cursor.offset !== assembled.size) {
    return {
      '.tag': 'lookup_failed',
      lookup_failed: { '.tag': 'incorrect_offset', correct_offset: assembled.size },
    }
  }
  // Bytes of rejected pieces past the end are cut off; within it, pieces wrote over them.
  await truncate(session.localPath, assembled.size)
  session.offset = assembled.size
  session.hasher = assembled.hasher
  return undefined
}

/**
 * upload_session/finish. The request's bytes are collected before the commit is tried, so after
 * a path error the client retries with an empty body and the advanced offset (files.stone).
 */
export const finishRoute: RouteHandler = async (state, ctx) => {
  const args = contentArgs(state, ctx, ['cursor', 'commit', 'content_hash'])
  if (isReply(args)) return args
  const parsed = parseArg(ctx, args.where, () => ({
    cursor: readCursor(args.fields),
    commit: readCommitInfo(args.fields.struct('commit', COMMIT_FIELDS)),
    contentHash: readContentHash(args.fields),
  }))
  if (isReply(parsed)) return parsed
  const unsupported = unsupportedTarget(ctx, args.where, parsed.commit.path)
  if (unsupported) return unsupported
  const lookupFailed = (error: Record<string, unknown>): Reply =>
    endpointError({ '.tag': 'lookup_failed', lookup_failed: error })
  const session = state.sessions.find(parsed.cursor.sessionId)
  if (!session) return lookupFailed({ '.tag': 'not_found' })
  return state.sessions.exclusive(session, async () => {
    if (!state.sessions.find(session.id)) return lookupFailed({ '.tag': 'not_found' })
    if (session.concurrent) return finishConcurrent(state, ctx, session, parsed)
    const problem = lookupProblem(session, parsed.cursor, true)
    if (problem) return lookupFailed(problem)
    const appended = await state.sessions.append(session, ctx, parsed.contentHash)
    if (!appended.ok) {
      if (appended.tag === 'too_large') return lookupFailed({ '.tag': 'too_large' })
      return endpointError({ '.tag': appended.tag })
    }
    session.closed = true
    return commitSession(state, ctx, session, parsed.commit)
  })
}

async function commitSession(
  state: EmulatorState,
  ctx: RouteContext,
  session: UploadSession,
  commit: CommitInfo,
): Promise<Reply> {
  const result = await commitClosed(state, session, commit, ctx.commitFault)
  return result.ok ? jsonReply(200, result.metadata) : endpointError(result.error)
}

/** Commits a session's bytes; a failure is an UploadSessionFinishError (finish and finish_batch_v2). */
export async function commitClosed(
  state: EmulatorState,
  session: UploadSession,
  commit: CommitInfo,
  fault: CommitFault | undefined,
): Promise<{ ok: true; metadata: unknown } | { ok: false; error: Record<string, unknown> }> {
  const result = await state.files.commit(blobOf(session), commit, fault)
  if (result.ok) {
    await state.sessions.markCommitted(session, result.written)
    return { ok: true, metadata: result.metadata }
  }
  // UploadSessionFinishError has its own too_many_write_operations member.
  if (result.error['.tag'] === 'too_many_write_operations')
    return { ok: false, error: result.error }
  return { ok: false, error: { '.tag': 'path', path: result.error } }
}
