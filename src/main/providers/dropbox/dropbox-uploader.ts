import { AppError } from '../../../shared/app-error.ts'
import { sleep as realSleep, type FetchFn } from '../../net/fetch-with-retry.ts'
import type { RemoteFile, SourceFile, UploadContext, Uploader } from '../../uploads/uploader.ts'
import { remotePath } from './commit-info.ts'
import { ChunkSizer } from '../chunk-sizer.ts'
import { ChunkBuffers } from './chunk-buffers.ts'
import { CommitBatcher } from './commit-batcher.ts'
import { CommitLock } from './commit-lock.ts'
import { ConcurrentSession } from './concurrent-session.ts'
import { DropboxApi, type AccessTokens } from './dropbox-api.ts'
import type { DropboxEndpoints } from './dropbox-config.ts'
import { HashCursor } from './hash-cursor.ts'
import { metadataAt, remoteFile } from './remote-metadata.ts'
import { usableResume, type DropboxResume } from './resume-state.ts'
import { abortableWait, type Sleep } from './retry-wait.ts'
import { finishSession } from './session-commit.ts'
import { uploadWhole } from './single-upload.ts'
import { SourceReader } from '../../uploads/source-reader.ts'
import { checkedChunkSize, DROPBOX_CHUNK_RULES, MAX_FILE_BYTES } from './upload-limits.ts'
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
  /**
   * Chunks on the wire at once for large files, through a concurrent upload session; 1 (the
   * default) keeps every file in a sequential session.
   */
  parallelChunks?: number
  /** Whether piece sizes follow the measured rate (default true); false keeps them at chunkSize. */
  adaptiveChunks?: boolean
  /** Test seam: the buffer pool of each concurrent upload, so a test can see its peak. */
  chunkBuffers?: (limit: number) => ChunkBuffers
  /** Waits between retries; tests pass one that returns at once. */
  sleep?: Sleep
  /** Clock for the 7-day session lifetime (epoch ms). */
  now?: () => number
  /** Monotonic ms for the time a chunk takes on the wire (adaptive chunk size). */
  clock?: () => number
  /** How long a commit waits for others to join its finish_batch_v2 (default 500 ms). */
  batchWindowMs?: number
}

/** finish → send what the session lacks → finish again, at most this often. */
const FINISH_ROUNDS = 3
/**
 * A concurrent session costs an empty start and waits for all other pieces before the closing
 * one, so it pays only from three chunks on; smaller files go through a sequential session.
 */
const CONCURRENT_FROM_CHUNKS = 3

/** What the uploader needs of a sequential or a concurrent session. */
interface SessionUpload {
  upload(): Promise<string>
  moveTo(offset: number): void
  forget(): void
  /** Drops its chunk buffers while its commit waits; moveTo and forget read from disk again. */
  release(): void
}

interface Job {
  io: UploadIo
  reader: SourceReader
  hash: HashCursor
  folder: string
  context: UploadContext
}

/**
 * Uploads backups to one Dropbox account: a small file alone in one request, larger ones (and
 * small ones while others are under way) through a resumable upload session whose commit joins
 * the account's finish_batch_v2; each verified against the content_hash computed while reading.
 */
export class DropboxUploader implements Uploader {
  private readonly api: DropboxApi
  private readonly chunkSize: number
  private readonly parallelChunks: number
  private readonly adaptiveChunks: boolean
  private readonly chunkBuffers: (limit: number) => ChunkBuffers
  private readonly sleep: Sleep
  private readonly now: () => number
  private readonly clock: () => number
  private readonly commits = new CommitLock()
  private readonly batcher: CommitBatcher
  /** upload() calls in progress: the batcher's "everyone is waiting" count. */
  private underway = 0

  constructor(options: DropboxUploaderOptions) {
    this.api =
      'api' in options
        ? options.api
        : new DropboxApi(options.endpoints, options.tokens, options.fetch, undefined, options.now)
    this.chunkSize = checkedChunkSize(options.chunkSize)
    this.parallelChunks = options.parallelChunks ?? 1
    this.adaptiveChunks = options.adaptiveChunks ?? true
    this.chunkBuffers = options.chunkBuffers ?? ((limit) => new ChunkBuffers(limit))
    this.sleep = options.sleep ?? realSleep
    this.now = options.now ?? Date.now
    this.clock = options.clock ?? (() => performance.now())
    this.batcher = new CommitBatcher({
      lock: this.commits,
      sleep: this.sleep,
      underway: () => this.underway,
      windowMs: options.batchWindowMs,
    })
  }

  async upload(file: SourceFile, folder: string, context: UploadContext): Promise<RemoteFile> {
    if (file.size > MAX_FILE_BYTES) throw new AppError('file_too_large')
    remotePath(folder, file.name) // a bad folder or name fails before any I/O
    const { signal } = context
    signal.throwIfAborted()
    const io: UploadIo = { api: this.api, signal, wait: abortableWait(this.sleep, signal) }
    this.batcher.arrived()
    this.underway += 1
    try {
      return await this.uploadFile(file, folder, context, io)
    } finally {
      this.underway -= 1
    }
  }

  private async uploadFile(
    file: SourceFile,
    folder: string,
    context: UploadContext,
    io: UploadIo,
  ): Promise<RemoteFile> {
    const reader = await SourceReader.open(file)
    try {
      const job: Job = { io, reader, hash: new HashCursor(reader), folder, context }
      const uploaded = this.inOneRequest(job)
        ? await this.uploadWhole(job)
        : await this.uploadInChunks(job)
      context.onProgress(file.size)
      return uploaded
    } finally {
      await reader.close()
    }
  }

  /**
   * files/upload when the file fits in one request and is the only upload under way: one request
   * beats a session's start plus a commit. With others under way, even a small file goes through
   * a session (start with close: true carrying the bytes), so its commit joins theirs in one
   * finish_batch_v2; so does one whose session from an earlier attempt still holds its bytes.
   */
  private inOneRequest(job: Job): boolean {
    const { file } = job.reader
    if (file.size > this.chunkSize) return false
    return this.underway <= 1 && !usableResume(job.context.resume, file, this.now())
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
    const { io, reader, hash, folder } = job
    const present = await this.identicalCopy(job)
    if (present) return present
    const session = this.session(job)
    for (let round = 1; ; round++) {
      const sessionId = await session.upload()
      const target = { folder, reader, contentHash: hash.digest() }
      // The commit may wait for others to join its batch: it holds no chunk memory meanwhile,
      // and its queue slot goes to the next upload, whose commit can then join the same batch.
      // (Should the finish find the session short, the rest is sent again without a slot.)
      session.release()
      if (job.context.awaitingCommit?.()) this.batcher.expect()
      const result = await finishSession(io, sessionId, target, { batcher: this.batcher })
      if (result.kind === 'committed') return result.file
      if (round >= FINISH_ROUNDS) {
        throw new AppError('provider_error', 'Dropbox did not accept the finished upload session.')
      }
      if (result.kind === 'offset') session.moveTo(result.correctOffset)
      else session.forget()
    }
  }

  /**
   * A concurrent session for a large file (or to continue one), else a sequential one, which is
   * also what a saved sequential session continues in.
   */
  private session(job: Job): SessionUpload {
    const { io, reader, hash, context } = job
    const resume = usableResume(context.resume, reader.file, this.now())
    const common = {
      io,
      reader,
      hash,
      now: this.now,
      saveResume: (state: DropboxResume) => context.saveResume(state),
      onProgress: (bytes: number) => context.onProgress(bytes),
      resume,
    }
    const large = reader.file.size >= CONCURRENT_FROM_CHUNKS * this.chunkSize
    const concurrent = resume ? resume.pieces !== undefined : large && this.parallelChunks > 1
    if (!concurrent) return new UploadSession({ ...common, chunkSize: this.chunkSize })
    const parallel = this.parallelChunks
    return new ConcurrentSession({
      ...common,
      parallel,
      buffers: this.chunkBuffers(parallel + 1),
      sizer: new ChunkSizer(DROPBOX_CHUNK_RULES, this.chunkSize, this.adaptiveChunks),
      clock: this.clock,
    })
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
