import { AppError } from '../../shared/app-error.ts'
import type { BackupView, RestoreOutcome, RestoreProgressView } from '../../shared/ipc-contract.ts'
import type { Logger } from '../log/logger.ts'
import { backupTime, type RemoteBackup } from '../restore/backup-listing.ts'
import type { RemoteBackups } from '../restore/remote-backups.ts'
import { ProgressMeter } from '../uploads/progress-meter.ts'
import { EventThrottle } from './event-throttle.ts'

/** What only the desktop shell can do for a restore: its native folder picker and file manager. */
export interface RestoreShell {
  /** The folder picker, opened at defaultPath; null when the user cancels it. */
  chooseRestoreFolder(defaultPath: string): Promise<string | null>
  /** Shows the file selected in the system's file manager. */
  showItemInFolder(path: string): void
}

export interface CloudRestoresOptions {
  backups: Pick<RemoteBackups, 'list' | 'restore'>
  shell: RestoreShell
  /** Where the picker opens: the user's Downloads folder. */
  defaultFolder: string
  onProgress: (progress: RestoreProgressView) => void
  log: Logger
}

/** Progress reaches the window at most ten times a second per restore, as uploads' does. */
const PROGRESS_INTERVAL_MS = 100

/**
 * The window's restores: lists a destination's backups, restores one into a folder the user picks
 * in main's own dialog, and remembers where each restore went, so "Show in folder" and Cancel
 * take only an id from the window and never a path.
 */
export class CloudRestores {
  private readonly options: CloudRestoresOptions
  private readonly progress: EventThrottle<RestoreProgressView>
  private readonly running = new Map<number, AbortController>()
  private readonly restored = new Map<number, string>()
  private lastId = 0

  constructor(options: CloudRestoresOptions) {
    this.options = options
    this.progress = new EventThrottle(PROGRESS_INTERVAL_MS, options.onProgress)
  }

  async list(connectionId: string): Promise<BackupView[]> {
    return (await this.options.backups.list(connectionId)).map(toBackupView)
  }

  /** Only a backup the listing shows can be restored: never notes.txt beside them. */
  async restore(connectionId: string, name: string): Promise<RestoreOutcome> {
    const { backups, shell, defaultFolder } = this.options
    const backup = (await backups.list(connectionId)).find((b) => b.name === name)
    if (!backup)
      throw new AppError(
        'remote_not_found',
        `There is no backup "${name}" at that destination any more.`,
      )
    const folder = await shell.chooseRestoreFolder(defaultFolder)
    if (folder === null) return { outcome: 'cancelled' }
    const restoreId = ++this.lastId
    const controller = new AbortController()
    this.running.set(restoreId, controller)
    const meter = new ProgressMeter(backup.size)
    const report = (bytesDone: number) => {
      const p = meter.update(bytesDone)
      this.progress.push(restoreId, {
        restoreId,
        connectionId,
        name,
        ...p,
        etaSeconds: p.etaSeconds ?? null,
      })
    }
    // The first report tells the window the restore's id, so Cancel works before any byte comes.
    report(0)
    try {
      const result = await backups.restore(connectionId, name, folder, {
        onProgress: (bytesDone) => report(bytesDone),
        signal: controller.signal,
      })
      this.restored.set(restoreId, result.local_path)
      const { local_path: localPath, size, verified, verified_by: verifiedBy } = result
      return {
        outcome: 'restored',
        restore: { restoreId, connectionId, name, localPath, size, verified, verifiedBy },
      }
    } catch (error) {
      // Cancelled by the user: whatever the download threw on the way out is not a failure.
      if (controller.signal.aborted) return { outcome: 'cancelled' }
      throw error
    } finally {
      this.progress.end(restoreId)
      this.running.delete(restoreId)
    }
  }

  cancel(restoreId: number): void {
    const controller = this.running.get(restoreId)
    if (!controller) throw unknownRestore(restoreId)
    controller.abort()
  }

  showInFolder(restoreId: number): void {
    const path = this.restored.get(restoreId)
    if (path === undefined) throw unknownRestore(restoreId)
    this.options.shell.showItemInFolder(path)
  }

  /** Stops every restore in progress (the app is quitting). */
  stop(): void {
    for (const controller of this.running.values()) controller.abort()
  }
}

function toBackupView(backup: RemoteBackup): BackupView {
  const time = backupTime(backup)
  const checksum = backup.content_hash ?? null
  return {
    connectionId: backup.connection_id,
    name: backup.name,
    time: time === 0 ? null : time,
    size: backup.size,
    verifiedAtUpload: backup.uploaded_by_us && checksum !== null,
    contentHash: checksum,
    checksumAlgorithm: backup.checksum_algorithm ?? null,
  }
}

function unknownRestore(restoreId: number): AppError {
  return new AppError(
    'invalid_request',
    `No restore ${restoreId} is running or finished in this session.`,
  )
}
