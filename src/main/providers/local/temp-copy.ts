import { open, rm, type FileHandle } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { isAppError } from '../../../shared/app-error.ts'
import { failureAction } from '../../uploads/retry-policy.ts'
import type { SourceFile, UploadContext } from '../../uploads/uploader.ts'
import type { LocalCopyResume } from './copy-resume.ts'
import { tempName } from './file-names.ts'
import { destinationError } from './local-errors.ts'
import { readSource } from './read-source.ts'

/**
 * Bytes between fsyncs, each followed by a saved resume point: a copy interrupted by a crash,
 * a pause or a share that went away continues from the last one instead of from byte 0.
 */
export const CHECKPOINT_BYTES = 32 * 1024 * 1024

/**
 * The half-written copy of one upload: a dotted temp file in the destination folder, written,
 * hashed and made durable before it is given a name. It can continue an earlier attempt's temp.
 */
export class TempCopy {
  readonly path: string
  private readonly handle: FileHandle
  /** Bytes of the temp file known to be on disk. */
  private synced: number

  private constructor(path: string, handle: FileHandle, synced: number) {
    this.path = path
    this.handle = handle
    this.synced = synced
  }

  /**
   * The temp file `resume` names, cut back to its synced length (bytes after that may be
   * garbage after a power cut), or a new one (a resumed temp that is too short goes). Errors
   * name `target`, the path the user expects.
   */
  static async open(
    dir: string,
    file: SourceFile,
    resume: LocalCopyResume | undefined,
    target: string,
  ): Promise<TempCopy> {
    try {
      const resumed = resume && (await TempCopy.reopen(join(dir, resume.temp), resume.offset))
      if (resumed) return resumed
      const path = join(dir, tempName(file))
      return new TempCopy(path, await open(path, 'wx', 0o666), 0)
    } catch (error) {
      throw destinationError(target, error)
    }
  }

  /**
   * Streams the rest of the source into the temp file, hashing all of it in the same pass, and
   * makes it durable; resolves with the content hash. Closes the file either way.
   */
  async fill(file: SourceFile, target: string, context: UploadContext): Promise<string> {
    const { signal, onProgress } = context
    const checkpoint = async (bytesDone: number) => {
      if (bytesDone - this.synced < CHECKPOINT_BYTES) return
      await this.handle.sync()
      this.synced = bytesDone
      context.saveResume(this.resumeAt(file, bytesDone))
    }
    try {
      const sink = { handle: this.handle, path: target, from: this.synced }
      const hash = await readSource(file, { signal, sink, onBytes: onProgress, checkpoint })
      // Durable before it gets its name: after a power cut the name never points at a hole.
      await this.handle.sync()
      return hash
    } catch (error) {
      throw destinationError(target, error)
    } finally {
      await this.handle.close().catch(() => {})
    }
  }

  /**
   * Removes the temp file (after success it was normally moved to its name already). After a
   * failure it stays when a later attempt may continue it: a pause or stop, or an error the
   * queue retries, once some of it is synced.
   */
  async remove(failure?: { error: unknown; signal: AbortSignal }): Promise<void> {
    if (failure && this.synced > 0 && comesBack(failure.error, failure.signal)) return
    await rm(this.path, { force: true }).catch(() => {})
  }

  /** The temp file cut back to `offset`; undefined (and the file gone) when it is not usable. */
  private static async reopen(path: string, offset: number): Promise<TempCopy | undefined> {
    const handle = await open(path, 'r+').catch(() => undefined)
    if (!handle) return undefined
    try {
      if ((await handle.stat()).size >= offset) {
        await handle.truncate(offset)
        return new TempCopy(path, handle, offset)
      }
    } catch (error) {
      await handle.close().catch(() => {})
      throw error
    }
    await handle.close()
    await rm(path, { force: true })
    return undefined
  }

  private resumeAt(file: SourceFile, offset: number): LocalCopyResume {
    const { size, mtimeMs } = file
    return { kind: 'local-copy', temp: basename(this.path), offset, size, mtimeMs }
  }
}

function comesBack(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || failureAction(isAppError(error) ? error.code : undefined) === 'retry'
}
