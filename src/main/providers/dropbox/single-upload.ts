import { AppError } from '../../../shared/app-error.ts'
import type { RemoteFile } from '../../uploads/uploader.ts'
import { commitInfo, remotePath } from './commit-info.ts'
import { identicalFileAt, remoteFile, type FileMetadata } from './remote-metadata.ts'
import { withRequestHash } from './request-hash.ts'
import { backoffMs } from './retry-wait.ts'
import { finishSession, verified, type CommitTarget } from './session-commit.ts'
import { uploadFailureOf, uploadFailureToError, type UploadFailure } from './upload-failure.ts'
import { callOptions, type UploadIo } from './upload-io.ts'

const UPLOAD = 'files/upload'
const HASH_TRIES = 5

/**
 * A file that fits in one request: files/upload, data and commit at once. Sending it twice is
 * harmless (identical content at the path is no conflict), so lost answers are simply retried.
 */
export async function uploadWhole(
  io: UploadIo,
  target: CommitTarget,
  data: Uint8Array,
): Promise<RemoteFile> {
  const { file } = target.reader
  const path = remotePath(target.folder, file.name)
  // The request carries the whole file, so its content_hash is the file's, already computed.
  const arg = withRequestHash(commitInfo(path, file.mtimeMs), data, target.contentHash)
  for (let tries = 1; ; tries++) {
    await target.reader.checkUnchanged()
    const outcome = await io.api.upload<FileMetadata>(UPLOAD, arg, data, callOptions(io))
    if (outcome.ok) {
      return remoteFile(verified(outcome.value, target), { renamed: false, alreadyPresent: false })
    }
    const failure = uploadFailureOf(outcome.failure)
    if (failure.tag === 'content_hash_mismatch' && tries < HASH_TRIES) continue
    const salvageable = failure.tag === 'conflict' || failure.tag === 'too_many_write_operations'
    if (salvageable && failure.uploadSessionId) return salvage(io, target, path, failure)
    throw uploadFailureToError(failure, UPLOAD)
  }
}

/**
 * files.stone UploadWriteFailed: the bytes are kept in upload_session_id, so the commit is
 * retried through upload_session/finish with an empty body instead of sending them again.
 */
async function salvage(
  io: UploadIo,
  target: CommitTarget,
  path: string,
  failure: UploadFailure,
): Promise<RemoteFile> {
  let firstCopy = 1
  if (failure.tag === 'conflict') {
    const same = await identicalFileAt(io, path, target.contentHash)
    if (same) return remoteFile(same, { renamed: false, alreadyPresent: true })
    firstCopy = 2
  } else {
    await io.wait(backoffMs(1))
  }
  const result = await finishSession(io, failure.uploadSessionId ?? '', target, { firstCopy })
  if (result.kind === 'committed') return result.file
  throw new AppError('provider_error', 'Dropbox lost the uploaded bytes before committing them.')
}
