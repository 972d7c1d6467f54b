import { link, mkdir, rename, stat, unlink } from 'node:fs/promises'
import { basename, join, posix } from 'node:path'
import { AppError, isAppError } from '../../shared/app-error.ts'
import type { OpenConnection } from '../auth/connection-service.ts'
import type { RemoteEntry } from '../providers/provider.ts'
import { markedName } from '../uploads/conflict-name.ts'
import type { Job } from '../uploads/job-types.ts'
import { downloadPartial, partialPath } from './partial-download.ts'
import { checkRestored, providerMismatch, type RestoreCheck } from './restore-check.ts'

export interface RestoreOptions {
  /** Bytes of the backup on disk so far, and its size. */
  onProgress?(bytesDone: number, size: number): void
  /** Stops the download; what arrived is kept for the next restore of the same backup. */
  signal?: AbortSignal
}

export interface RestoreRequest extends RestoreOptions {
  /** The backup's name in the destination's folder, or its absolute remote path. */
  backup: string
  /** The destination's remote backups folder. */
  folder: string
  /** The local folder it is restored into (created if missing). */
  toDir: string
}

export interface RestoreResult {
  connection_id: string
  remote_path: string
  local_path: string
  size: number
  /** Whether a checksum (the provider's, or the one recorded at upload) matched: not size alone. */
  verified: boolean
  /** What the bytes were checked against. */
  verified_by: string
}

/** Our upload record for a remote path, where there is one. */
export type UploadRecord = (remotePath: string) => Job | undefined

/**
 * Downloads one backup beside where it goes, checks it, and only then gives it its name: a
 * damaged copy never appears under a backup's name, and an existing file is never replaced. The
 * partial download is kept when the restore stops or the network gives up, so the next restore of
 * the same backup continues it; a copy that fails its check is deleted.
 */
export async function restoreBackup(
  connection: Pick<OpenConnection, 'provider' | 'credentials' | 'context'>,
  request: RestoreRequest,
  recordOf: UploadRecord,
): Promise<RestoreResult> {
  const entry = await findBackup(connection, request)
  await mkdir(request.toDir, { recursive: true })
  const partial = partialPath(request.toDir, entry)
  const check = await downloadAndCheck(connection, entry, partial, request, recordOf)
  const localPath = await moveIntoPlace(partial, request.toDir, entry.name)
  // The link gave it its name; the partial's name goes (where a rename moved it, it is gone).
  await unlink(partial).catch(() => {})
  return {
    connection_id: connection.credentials.connectionId,
    remote_path: entry.path,
    local_path: localPath,
    size: entry.size,
    verified: check.verified,
    verified_by: check.by,
  }
}

async function downloadAndCheck(
  connection: Pick<OpenConnection, 'provider' | 'credentials' | 'context'>,
  entry: RemoteEntry,
  partial: string,
  options: RestoreOptions,
  recordOf: UploadRecord,
): Promise<RestoreCheck> {
  try {
    await downloadPartial({
      connection,
      entry,
      partial,
      onProgress: options.onProgress,
      signal: options.signal,
    })
    return await checkRestored(connection.provider, partial, entry, recordOf(entry.path))
  } catch (error) {
    const mismatch = isAppError(error, 'verification_failed')
      ? providerMismatch(error)
      : isAppError(error, 'restore_mismatch')
        ? error
        : undefined
    if (!mismatch) throw error
    // Bad bytes are never continued: the next restore starts from nothing.
    await unlink(partial).catch(() => {})
    throw mismatch
  }
}

/** The file named, in the destination's folder (or in the folder its absolute path names). */
async function findBackup(
  { provider, credentials, context }: Pick<OpenConnection, 'provider' | 'credentials' | 'context'>,
  request: RestoreRequest,
): Promise<RemoteEntry> {
  const absolute = request.backup.startsWith('/')
  const folder = absolute ? posix.dirname(request.backup) : request.folder
  const entries = await provider.list(credentials, folder, context)
  const found = entries.find(
    (e) => !e.isFolder && (absolute ? e.path === request.backup : e.name === request.backup),
  )
  if (!found)
    throw new AppError(
      'remote_not_found',
      `There is no backup "${request.backup}" in ${folder}: see the names with "backups".`,
    )
  return found
}

/**
 * Renames the checked file to the backup's name, or "name (restored).ext", "(restored 2)" … when
 * that is taken. A hard link fails on an existing name, so no check-then-rename race replaces a
 * file; where links are not supported (FAT, some network shares) it falls back to a checked rename.
 */
async function moveIntoPlace(temp: string, dir: string, name: string): Promise<string> {
  for (let copy = 0; ; copy++) {
    const target = join(dir, restoredName(name, copy))
    try {
      await link(temp, target)
      return target
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EEXIST') continue
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw error
      if (await exists(target)) continue
      await rename(temp, target)
      return target
    }
  }
}

export function restoredName(name: string, copy: number): string {
  if (copy === 0) return basename(name)
  return markedName(name, copy === 1 ? 'restored' : `restored ${copy}`)
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  )
}
