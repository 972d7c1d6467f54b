import { AppError } from '../../../shared/app-error.ts'
import type { CommitInfo } from './commit-info.ts'
import type { CallOptions, DropboxApi, RouteOutcome } from './dropbox-api.ts'
import type { FileMetadata } from './remote-metadata.ts'

export const FINISH = 'files/upload_session/finish'
const FINISH_BATCH = 'files/upload_session/finish_batch_v2'
/** files.stone UploadSessionFinishBatchArg: at most 1000 entries. */
export const MAX_BATCH_ENTRIES = 1000

/** files.stone UploadSessionFinishArg, as a closed session's commit needs it. */
export interface FinishEntry {
  cursor: { session_id: string; offset: number }
  commit: CommitInfo
}

interface Tagged {
  '.tag': string
  [field: string]: unknown
}

/**
 * Commits closed sessions with one upload_session/finish_batch_v2 call. Each entry comes back
 * in the shape of its own upload_session/finish answer (metadata, or the 409's
 * UploadSessionFinishError), so one file's outcome is handled exactly as a single commit's.
 * Sending it again is safe: an entry already committed answers lookup_failed/not_found, which
 * the caller resolves by looking at the path.
 */
export async function finishBatch(
  api: DropboxApi,
  entries: FinishEntry[],
  options: CallOptions,
): Promise<Array<RouteOutcome<FileMetadata>>> {
  const answer = await api.rpc<{ entries?: Tagged[] } | null>(FINISH_BATCH, { entries }, options)
  const results = answer?.entries
  if (!Array.isArray(results) || results.length !== entries.length) {
    throw new AppError(
      'provider_error',
      `Dropbox answered ${results?.length ?? 0} of ${entries.length} commits in a batch.`,
    )
  }
  return results.map(entryOutcome)
}

function entryOutcome(result: Tagged): RouteOutcome<FileMetadata> {
  if (result['.tag'] === 'success') {
    return { ok: true, value: { ...result, '.tag': 'file' } as unknown as FileMetadata }
  }
  const error = result['.tag'] === 'failure' ? (result.failure as Tagged) : { '.tag': 'other' }
  const tag = typeof error?.['.tag'] === 'string' ? error['.tag'] : 'other'
  return {
    ok: false,
    failure: { status: 409, tag, summary: summaryOf(error), body: { error } },
  }
}

/** "path/conflict/file/..", the way Dropbox summarises a tag chain in error_summary. */
function summaryOf(error: unknown): string {
  const tags: string[] = []
  for (let node = error as Tagged | undefined; node && typeof node['.tag'] === 'string';) {
    tags.push(node['.tag'])
    node = node[node['.tag']] as Tagged | undefined
  }
  return `${tags.join('/')}/..`
}
