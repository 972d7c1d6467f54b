import { AppError } from '../../../shared/app-error.ts'
import { sleep as realSleep, type FetchFn } from '../../net/fetch-with-retry.ts'
import type { RemoteFile, SourceFile, UploadContext, Uploader } from '../../uploads/uploader.ts'
import { remotePath } from './commit-info.ts'
import { CommitLock } from './commit-lock.ts'
import { DropboxApi, type AccessTokens } from './dropbox-api.ts'
import type { DropboxEndpoints } from './dropbox-config.ts'
import { HashCursor } from './hash-cursor.ts'
import { metadataAt, remoteFile } from './remote-metadata.ts'
import { usableResume } from './resume-state.ts'
import { abortableWait, type Sleep } from './retry-wait.ts'
import { finishSession } from './session-commit.ts'
import { uploadWhole } from './single-upload.ts'
import { SourceReader } from '../../uploads/source-reader.ts'
import { checkedChunkSize, MAX_FILE_BYTES } from './upload-limits.ts'
import type { UploadIo } from './upload-io.ts'
import { UploadSession } from './upload-session.ts'

export type DropboxUploaderOptions = (
  { api: DropboxApi } | { endpoints: DropboxEndpoints; tokens: AccessTokens; fetch?: FetchFn }
) & {
  /**
   * Bytes per request: a multiple of 4 MiB, at most 150 MiB; default 8 MiB. A file that fits in
   * one chunk goes up in a single files/upload, a larger one through an upload session.
   */
  chunkSize?: number
  /** Waits between retries; tests pass one that returns at once. */
  sleep?: Sleep
  /** Clock for the 7-day session lifetime (epoch ms). */
  now?: () => number
}

/** finish → send what the session lacks → finish again, at most this often. */
const FINISH_ROUNDS = 3

interface Job {
  io: UploadIo
  reader: SourceReader
  hash: HashCursor
  folder: string
  context: UploadContext
}

/**
 * Uploads backups to one Dropbox account: small files in one request, larger ones through a
 * resumable upload session; each verified against the content_hash computed while reading.
 */
export class DropboxUploader implements Uploader {
  private readonly api: DropboxApi
  private readonly chunkSize: number
  private readonly sleep: Sleep
  private readonly now: () => number
  private readonly commits = new CommitLock()

  constructor(options: DropboxUploaderOptions) {
    this.api =
      'api' in options
        ? options.api
        : new DropboxApi(options.endpoints, options.tokens, options.fetch, undefined, options.now)
    this.chunkSize = checkedChunkSize(options.chunkSize)
    this.sleep = options.sleep ?? realSleep
    this.now = options.now ?? Date.now
  }

  async upload(file: SourceFile, folder: string, context: UploadContext): Promise<RemoteFile> {
    if (file.size > MAX_FILE_BYTES) throw new AppError('file_too_large')
    remotePath(folder, file.name) // a bad folder or name fails before any I/O
    const { signal } = context
    signal.throwIfAborted()
    const io: UploadIo = { api: this.api, signal, wait: abortableWait(this.sleep, signal) }
    const reader = await SourceReader.open(file)
    try {
      const job: Job = { io, reader, hash: new HashCursor(reader), folder, context }
      const uploaded =
        file.size <= this.chunkSize ? await this.uploadWhole(job) : await this.uploadInChunks(job)
      context.onProgress(file.size)
      return uploaded
    } finally {
      await reader.close()
    }
  }

  private async uploadWhole(job: Job): Promise<RemoteFile> {
    const { io, reader, hash, folder } = job
    const data = await reader.read(0, reader.file.size)
    hash.feed(0, data)
    const present = await this.identicalCopy(job)
    if (present) return present
    const target = { folder, reader, contentHash: hash.digest() }
    return this.commits.run(() => uploadWhole(io, target, data), io.signal)
  }

  private async uploadInChunks(job: Job): Promise<RemoteFile> {
    const { io, reader, hash, folder, context } = job
    const present = await this.identicalCopy(job)
    if (present) return present
    const session = new UploadSession({
      io,
      reader,
      hash,
      chunkSize: this.chunkSize,
      now: this.now,
      saveResume: (state) => context.saveResume(state),
      onProgress: (bytes) => context.onProgress(bytes),
      resume: usableResume(context.resume, reader.file, this.now()),
    })
    for (let round = 1; ; round++) {
      const sessionId = await session.upload()
      const target = { folder, reader, contentHash: hash.digest() }
      const result = await this.commits.run(() => finishSession(io, sessionId, target), io.signal)
      if (result.kind === 'committed') return result.file
      if (round >= FINISH_ROUNDS) {
        throw new AppError('provider_error', 'Dropbox did not accept the finished upload session.')
      }
      if (result.kind === 'offset') session.moveTo(result.correctOffset)
      else session.forget()
    }
  }

  /**
   * Skips the upload when the very same bytes are already at the path (e.g. the answer to an
   * earlier commit was lost). Hashing first costs a read, so only when the sizes agree.
   */
  private async identicalCopy(job: Job): Promise<RemoteFile | undefined> {
    const { io, reader, hash, folder } = job
    const found = await metadataAt(io, remotePath(folder, reader.file.name))
    if (found?.['.tag'] !== 'file' || found.size !== reader.file.size) return undefined
    await hash.catchUp(reader.file.size, io.signal)
    if (hash.digest() !== found.content_hash) return undefined
    await reader.checkUnchanged()
    return remoteFile(found, { renamed: false, alreadyPresent: true })
  }
}
