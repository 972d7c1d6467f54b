import type { RemoteEntry } from '../providers/provider.ts'
import type { JobReader } from '../uploads/job-reader.ts'
import { createFileFilter } from '../watch/file-filter.ts'
import { backupTime as stampedOrModified } from '../../shared/backup-stamp.ts'

/** One backup at a destination, as `backups --json` prints it. */
export interface RemoteBackup {
  connection_id: string
  name: string
  path: string
  size: number
  modified: string | null
  /** The checksum our upload recorded, where this copy is one of ours. */
  content_hash?: string
  checksum_algorithm?: string
  uploaded_by_us: boolean
  /** The Fermentrack whose own remote folder holds it; null for the destination's folder. */
  source?: string | null
}

/** Sortable time of a backup: the (local) stamp in its name, else the server's time, else 0. */
export function backupTime(entry: Pick<RemoteEntry, 'name' | 'modified'>): number {
  return stampedOrModified(entry.name, entry.modified) ?? 0
}

/** Newest first by backupTime, ties by name, so the order never depends on the listing's. */
export function newestFirst(a: Pick<RemoteEntry, 'name' | 'modified'>, b: typeof a): number {
  return backupTime(b) - backupTime(a) || b.name.localeCompare(a.name)
}

/**
 * The backups among a remote folder's entries, newest first, each marked with our upload record.
 * Only files whose names match the backup patterns count: notes.txt and folders are left out.
 */
export function backupsIn(
  connectionId: string,
  entries: readonly RemoteEntry[],
  patterns: readonly string[],
  jobs: Pick<JobReader, 'doneAt'>,
): RemoteBackup[] {
  const filter = createFileFilter('/', { patterns })
  return entries
    .filter((entry) => !entry.isFolder && filter.isCandidate(entry.name))
    .sort(newestFirst)
    .map((entry) => {
      const job = jobs.doneAt(connectionId, entry.path)
      return {
        connection_id: connectionId,
        name: entry.name,
        path: entry.path,
        size: entry.size,
        modified: entry.modified,
        ...(job?.contentHash
          ? {
              content_hash: job.contentHash,
              checksum_algorithm: job.checksumAlgorithm ?? undefined,
            }
          : {}),
        uploaded_by_us: job !== undefined,
      }
    })
}
