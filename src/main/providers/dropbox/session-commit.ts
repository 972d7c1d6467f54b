import { AppError } from '../../../shared/app-error.ts'
import { conflictName } from '../../uploads/conflict-name.ts'
import type { RemoteFile } from '../../uploads/uploader.ts'
import { commitInfo, remotePath } from './commit-info.ts'
import { identicalFileAt, remoteFile, type FileMetadata } from './remote-metadata.ts'
import { backoffMs, STEP_ATTEMPTS } from './retry-wait.ts'
import type { SourceReader } from '../../uploads/source-reader.ts'
import { uploadFailureOf, uploadFailureToError } from './upload-failure.ts'
import { callOptions, EMPTY_BODY, type UploadIo } from './upload-io.ts'
import type { CommitBatcher } from './commit-batcher.ts'
import { FINISH } from './finish-batch.ts'
/** "name (2)" … "name (99)": past that, something else is wrong. */
const MAX_COPIES = 99

export interface CommitTarget {
  folder: string
  reader: SourceReader
  /** The whole file's content_hash as computed locally while reading what was sent. */
  contentHash: string
}

export interface FinishOptions {
  /** The first name to try: 2 when the plain name is known to hold another file. */
  firstCopy?: number
  /** Collects this commit with others of the account into finish_batch_v2 (closed sessions). */
  batcher?: CommitBatcher
}

export type FinishResult =
  | { kind: 'committed'; file: RemoteFile }
  /** The session holds fewer bytes than the file: send from here, then finish again. */
  | { kind: 'offset'; correctOffset: number }
  /** The session is gone (expired, or never there) and the file is not at its path. */
  | { kind: 'lost' }

/** Same-pass verification: what Dropbox stored must hash to what we read and sent. */
export function verified(metadata: FileMetadata, target: CommitTarget): FileMetadata {
  const { size } = target.reader.file
  if (metadata.content_hash === target.contentHash && metadata.size === size) return metadata
  throw new AppError(
    'verification_failed',
    `Dropbox stored ${metadata.path_display} with content_hash ${metadata.content_hash}, expected ${target.contentHash}.`,
  )
}

/**
 * Commits a session that already holds every byte, with an empty body, so a retry under another
 * name costs nothing (files.stone: "retry with empty data body and updated offset"). A different
 * file at the name means keep both: "name (2).ext", "name (3).ext" …, all from the same session.
 * Through a batcher, each try is one entry of a batch, answered like a finish of its own.
 */
export async function finishSession(
  io: UploadIo,
  sessionId: string,
  target: CommitTarget,
  options: FinishOptions = {},
): Promise<FinishResult> {
  const { name, size } = target.reader.file
  let { batcher } = options
  let busy = 0
  for (let copy = options.firstCopy ?? 1; copy <= MAX_COPIES;) {
    const path = remotePath(target.folder, conflictName(name, copy))
    const renamed = copy > 1
    const outcome = await finishAt(io, sessionId, path, target, batcher)
    if (outcome.ok) {
      const file = remoteFile(verified(outcome.value, target), { renamed, alreadyPresent: false })
      return { kind: 'committed', file }
    }
    const failure = uploadFailureOf(outcome.failure)
    switch (failure.tag) {
      case 'conflict': {
        const same = await identicalFileAt(io, path, target.contentHash)
        const file = same && remoteFile(same, { renamed, alreadyPresent: true })
        if (file) return { kind: 'committed', file }
        copy += 1
        break
      }
      case 'too_many_write_operations':
        // Also a 409, without retry_after: back off (data ingress guide).
        if (++busy >= STEP_ATTEMPTS) throw uploadFailureToError(failure, FINISH)
        await io.wait(backoffMs(busy))
        break
      case 'incorrect_offset': {
        const correct = failure.correctOffset
        if (correct !== undefined && correct < size)
          return { kind: 'offset', correctOffset: correct }
        return afterLostSession(io, path, target, renamed)
      }
      // A concurrent session short of a piece, or not closed: its pieces can't be trusted.
      case 'not_found':
      case 'concurrent_session_missing_data':
      case 'concurrent_session_not_closed':
        return afterLostSession(io, path, target, renamed)
      case 'not_closed':
        // A batch takes closed sessions only; one left open (e.g. by an older version of the
        // app) is committed on its own, which upload_session/finish allows.
        if (!batcher) throw uploadFailureToError(failure, FINISH)
        batcher = undefined
        break
      default:
        throw uploadFailureToError(failure, FINISH)
    }
  }
  throw new AppError('provider_error', `${MAX_COPIES} files named like ${name} already exist.`)
}

/** Never commits a file that changed since it was settled (checked right before the commit). */
async function finishAt(
  io: UploadIo,
  sessionId: string,
  path: string,
  target: CommitTarget,
  batcher: CommitBatcher | undefined,
) {
  const { size, mtimeMs } = target.reader.file
  const arg = { cursor: { session_id: sessionId, offset: size }, commit: commitInfo(path, mtimeMs) }
  await target.reader.checkUnchanged()
  if (batcher) return batcher.commit(arg, io)
  return io.api.upload<FileMetadata>(FINISH, arg, EMPTY_BODY, callOptions(io))
}

/** A finish whose answer was lost is retried and finds its session already committed. */
async function afterLostSession(
  io: UploadIo,
  path: string,
  target: CommitTarget,
  renamed: boolean,
): Promise<FinishResult> {
  const same = await identicalFileAt(io, path, target.contentHash)
  if (!same) return { kind: 'lost' }
  return { kind: 'committed', file: remoteFile(same, { renamed, alreadyPresent: false }) }
}
