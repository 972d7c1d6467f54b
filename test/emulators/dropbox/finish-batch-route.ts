import { ArgError, Fields } from './arg-reader.ts'
import { COMMIT_FIELDS, readCommitInfo, type CommitInfo } from './commit-info.ts'
import { ContentHasher } from './content-hash.ts'
import type { CommitFault } from './faults.ts'
import { jsonReply } from './reply.ts'
import type { EmulatorState, RouteHandler } from './route-context.ts'
import { isReply, parseArg, readContentHash, rpcArgs, unsupportedTarget } from './route-args.ts'
import {
  assembleConcurrent,
  commitClosed,
  lookupProblem,
  readCursor,
  type Cursor,
} from './upload-routes.ts'

/** files.stone UploadSessionFinishBatchArg.entries: List(UploadSessionFinishArg, max_items=1000). */
export const MAX_BATCH_ENTRIES = 1000
const FINISH_ARG_FIELDS = ['cursor', 'commit', 'content_hash']
/** No bytes travel in a batch call, so a content_hash "of the content uploaded in this call" is this one. */
const NOTHING_SENT_HASH = new ContentHasher().digest()

interface BatchEntry {
  cursor: Cursor
  commit: CommitInfo
  contentHash: string | undefined
}

type EntryResult = Record<string, unknown>

function readEntries(fields: Fields): BatchEntry[] {
  const list = fields.raw('entries')
  if (list === undefined) throw new ArgError(`missing required field '${fields.path('entries')}'`)
  if (!Array.isArray(list)) throw new ArgError(`${fields.path('entries')}: expected list`)
  if (list.length > MAX_BATCH_ENTRIES) {
    throw new ArgError(
      `${fields.path('entries')}: list has ${list.length} items, more than ${MAX_BATCH_ENTRIES}`,
    )
  }
  return list.map((value, index) => {
    const entry = new Fields(value, FINISH_ARG_FIELDS, `entries[${index}]`)
    return {
      cursor: readCursor(entry),
      commit: readCommitInfo(entry.struct('commit', COMMIT_FIELDS)),
      contentHash: readContentHash(entry),
    }
  })
}

const failure = (error: Record<string, unknown>): EntryResult => ({
  '.tag': 'failure',
  failure: error,
})
const lookupFailed = (error: Record<string, unknown>): EntryResult =>
  failure({ '.tag': 'lookup_failed', lookup_failed: error })

/**
 * One entry, committed on its own: the same lookup rules as upload_session/finish, plus the
 * batch's own rule that the session was closed by its last start or append.
 */
async function finishEntry(
  state: EmulatorState,
  entry: BatchEntry,
  fault: CommitFault | undefined,
): Promise<EntryResult> {
  const session = state.sessions.find(entry.cursor.sessionId)
  if (!session) return lookupFailed({ '.tag': 'not_found' })
  return state.sessions.exclusive(session, async () => {
    if (!state.sessions.find(session.id)) return lookupFailed({ '.tag': 'not_found' })
    if (session.concurrent) {
      if (session.committed) return lookupFailed({ '.tag': 'not_found' })
      const broken = await assembleConcurrent(session, entry.cursor)
      if (broken) return failure(broken)
    } else {
      const problem = lookupProblem(session, entry.cursor, true)
      if (problem) return lookupFailed(problem)
      if (!session.closed) return lookupFailed({ '.tag': 'not_closed' })
    }
    if (entry.contentHash !== undefined && entry.contentHash !== NOTHING_SENT_HASH) {
      return failure({ '.tag': 'content_hash_mismatch' })
    }
    const result = await commitClosed(state, session, entry.commit, fault)
    // The member's type is FileMetadata itself, so its own '.tag': 'file' gives way to 'success'.
    return result.ok ? { ...(result.metadata as object), '.tag': 'success' } : failure(result.error)
  })
}

/**
 * upload_session/finish_batch_v2 (RPC, JSON body): every entry is committed individually, in
 * order, and answered in the same position; one entry's failure does not touch the others.
 * Each entry takes its own queued commit fault, so a fault queued N times fails N entries.
 */
export const finishBatchRoute: RouteHandler = async (state, ctx) => {
  const args = await rpcArgs(state, ctx, 'files.content.write', ['entries'])
  if (isReply(args)) return args
  const entries = parseArg(ctx, args.where, () => readEntries(args.fields))
  if (isReply(entries)) return entries
  for (const entry of entries) {
    const unsupported = unsupportedTarget(ctx, args.where, entry.commit.path)
    if (unsupported) return unsupported
  }
  ctx.record.batchEntries = entries.length
  const results: EntryResult[] = []
  let fault = ctx.commitFault
  for (const entry of entries) {
    results.push(await finishEntry(state, entry, fault ?? ctx.nextCommitFault()))
    fault = undefined
  }
  return jsonReply(200, { entries: results })
}
