import { AppError, isAppError } from '../../shared/app-error.ts'
import type { ConnectionService } from '../auth/connection-service.ts'
import type { SettingsStore } from '../store/settings-store.ts'
import type { JobReader } from '../uploads/job-reader.ts'
import { backupsIn, newestFirst, type RemoteBackup } from './backup-listing.ts'
import { foldersAt } from '../../shared/remote-folder.ts'
import { restoreBackup, type RestoreOptions, type RestoreResult } from './restore-backup.ts'

export interface RemoteBackupsDeps {
  connections: Pick<ConnectionService, 'open' | 'targetOf' | 'destinations'>
  settings: Pick<SettingsStore, 'get'>
  jobs: Pick<JobReader, 'doneAt'>
}

/** Browsing and restoring the backups at the destinations, through the provider port only. */
export class RemoteBackups {
  private readonly deps: RemoteBackupsDeps

  constructor(deps: RemoteBackupsDeps) {
    this.deps = deps
  }

  /** The backups at one destination (or each, in turn), newest first within each. */
  async list(connectionId?: string): Promise<RemoteBackup[]> {
    const ids = connectionId ? [connectionId] : this.deps.connections.destinations()
    const all: RemoteBackup[] = []
    for (const id of ids) all.push(...(await this.listOne(id)))
    return all
  }

  async restore(
    connectionId: string,
    backup: string,
    toDir: string,
    options: RestoreOptions = {},
  ): Promise<RestoreResult> {
    const { connections, jobs } = this.deps
    const path = backup.startsWith('/') ? backup : await this.pathOf(connectionId, backup)
    const connection = await connections.open(connectionId)
    return restoreBackup(
      connection,
      { backup: path, folder: connections.targetOf(connectionId), toDir, ...options },
      (remotePath) => jobs.doneAt(connectionId, remotePath),
    )
  }

  /**
   * A backup named without its folder: found in whichever backup folder holds it (a
   * Fermentrack's own, say). A name two folders share needs its path; one nowhere is left to the
   * restore, which says so and how to see the names.
   */
  private async pathOf(connectionId: string, name: string): Promise<string> {
    const found = (await this.listOne(connectionId)).filter((b) => b.name === name)
    if (found.length > 1)
      throw new AppError(
        'usage',
        `"${name}" is in several folders there; name one by its path: ${found.map((b) => b.path).join(', ')}.`,
      )
    return found[0]?.path ?? name
  }

  /** Every backup folder there (its own, and each Fermentrack's), newest first across them. */
  private async listOne(id: string): Promise<RemoteBackup[]> {
    const { connections, settings, jobs } = this.deps
    const { provider, credentials, context } = await connections.open(id)
    const { patterns, sources } = settings.get()
    const all: RemoteBackup[] = []
    for (const { folder, source } of foldersAt(connections.targetOf(id), sources, id)) {
      const entries = await provider
        .list(credentials, folder, context)
        // Nothing uploaded there yet: the folder does not exist, and there are no backups.
        .catch((error: unknown) => {
          if (isAppError(error) && error.code === 'remote_not_found') return []
          throw error
        })
      const found = backupsIn(id, entries, patterns, {
        doneAt: (connectionId, remotePath) => jobs.doneAt(connectionId, remotePath),
      })
      all.push(...found.map((backup) => ({ ...backup, source: source?.label ?? null })))
    }
    return all.sort(newestFirst)
  }
}
