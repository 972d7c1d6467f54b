import { homedir } from 'node:os'
import { join } from 'node:path'
import { isAppError } from '../../shared/app-error.ts'
import type { ConnectionService } from '../auth/connection-service.ts'
import type { SettingsStore } from '../store/settings-store.ts'
import type { JobReader } from '../uploads/job-reader.ts'
import { backupsIn, type RemoteBackup } from './backup-listing.ts'
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
    const connection = await connections.open(connectionId)
    return restoreBackup(
      connection,
      { backup, folder: connections.targetOf(connectionId), toDir, ...options },
      (remotePath) => jobs.doneAt(connectionId, remotePath),
    )
  }

  private async listOne(id: string): Promise<RemoteBackup[]> {
    const { connections, settings, jobs } = this.deps
    const { provider, credentials, context } = await connections.open(id)
    const entries = await provider
      .list(credentials, connections.targetOf(id), context)
      // Nothing uploaded there yet: the folder does not exist, and there are no backups.
      .catch((error: unknown) => {
        if (isAppError(error) && error.code === 'remote_not_found') return []
        throw error
      })
    return backupsIn(id, entries, settings.get().patterns, {
      doneAt: (connectionId, remotePath) => jobs.doneAt(connectionId, remotePath),
    })
  }
}

/** Where a restore goes by default: the user's Downloads folder (XDG's name for it first). */
export function downloadsFolder(env: NodeJS.ProcessEnv): string {
  return env.XDG_DOWNLOAD_DIR || join(env.HOME || homedir(), 'Downloads')
}
