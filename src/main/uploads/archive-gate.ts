import { AppError } from '../../shared/app-error.ts'
import { archiveFormat, isArchiveComplete } from './archive-completeness.ts'
import type { Job } from './job-types.ts'
import type { SourceFile } from './uploader.ts'

/**
 * Holds back archives that are not complete yet. The settle window only guesses that a writer is
 * done; a writer that stalls longer (a busy Pi, a slow SD card) would otherwise get half a backup
 * uploaded. An incomplete archive waits for its writer (`archive_incomplete`: no attempt used) until
 * it changes or its last change is `timeoutMs` old; then it is truncated.
 * Uploads started by hand fail at once: the user is there to act on the message.
 */
export class ArchiveGate {
  /** The version of each path last found incomplete: an unchanged file is not read again. */
  private readonly incomplete = new Map<string, string>()

  private readonly timeoutMs: number

  constructor(timeoutMs: number) {
    this.timeoutMs = timeoutMs
  }

  /** Resolves if `file` may be uploaded as it is now; otherwise throws why not. */
  async admit(file: SourceFile, origin: Job['origin'], now: number): Promise<void> {
    const format = archiveFormat(file.path)
    if (!format) return
    const version = `${file.size}:${file.mtimeMs}`
    if (this.incomplete.get(file.path) !== version) {
      if (await isArchiveComplete(file.path, file.size)) {
        this.incomplete.delete(file.path)
        return
      }
      this.incomplete.set(file.path, version)
    }
    const what = `${file.path} is not a complete ${format} archive`
    const idleMs = now - file.mtimeMs
    if (origin === 'manual') throw new AppError('archive_truncated', `${what}: it looks truncated.`)
    if (idleMs >= this.timeoutMs) {
      const minutes = Math.round(idleMs / 6000) / 10
      throw new AppError(
        'archive_truncated',
        `${what}, and has not changed for ${minutes} min: it looks truncated.`,
      )
    }
    throw new ArchiveIncomplete(
      `${what} yet: waiting for it to be finished.`,
      file.mtimeMs + this.timeoutMs,
    )
  }
}

/**
 * archive_incomplete, with when to look again if nothing happens first: when the wait runs out.
 * A change to the file brings its job forward sooner (the watcher offers the new version).
 */
export class ArchiveIncomplete extends AppError {
  readonly recheckAt: number

  constructor(detail: string, recheckAt: number) {
    super('archive_incomplete', detail)
    this.recheckAt = recheckAt
  }
}
