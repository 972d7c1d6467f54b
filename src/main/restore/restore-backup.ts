import { randomBytes } from 'node:crypto'
import { link, mkdir, rename, stat, unlink } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { posix } from 'node:path'
import { AppError, isAppError } from '../../shared/app-error.ts'
import type { OpenConnection } from '../auth/connection-service.ts'
import type { RemoteEntry } from '../providers/provider.ts'
import { markedName } from '../uploads/conflict-name.ts'
import type { Job } from '../uploads/job-types.ts'
import { localChecksum } from '../uploads/local-checksum.ts'

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
 * damaged copy never appears under a backup's name, and an existing file is never replaced.
 */
export async function restoreBackup(
  connection: Pick<OpenConnection, 'provider' | 'credentials' | 'context'>,
  request: RestoreRequest,
  recordOf: UploadRecord,
): Promise<RestoreResult> {
  const { provider, credentials, context } = connection
  const entry = await findBackup(connection, request)
  await mkdir(request.toDir, { recursive: true })
  // A dotted name: a watcher on this folder (the app's own, say) skips it while it is partial.
  const temp = join(request.toDir, `.${entry.name}.${randomBytes(4).toString('hex')}.restoring`)
  try {
    await provider.download(credentials, entry.path, temp, context).catch((error: unknown) => {
      // The provider's own check of what it sent (Dropbox's content hash, S3's byte count).
      if (isAppError(error) && error.code === 'verification_failed')
        throw new AppError('restore_mismatch', `${error.message} ${NOTHING_RESTORED}`)
      throw error
    })
    const check = await verify(connection, temp, entry, recordOf(entry.path))
    const localPath = await moveIntoPlace(temp, request.toDir, entry.name)
    return {
      connection_id: credentials.connectionId,
      remote_path: entry.path,
      local_path: localPath,
      size: entry.size,
      verified: check.verified,
      verified_by: check.by,
    }
  } finally {
    await unlink(temp).catch(() => {})
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
 * Against the checksum our upload recorded, by a generic algorithm or the provider's own. With no
 * record it can use, what the provider's download checked (Dropbox's content hash), else the size
 * alone, and the result says so.
 */
async function verify(
  { provider }: Pick<OpenConnection, 'provider'>,
  temp: string,
  entry: RemoteEntry,
  job: Job | undefined,
): Promise<{ verified: boolean; by: string }> {
  const { size } = await stat(temp)
  if (size !== entry.size) throw mismatch(entry, `${size} bytes arrived, ${entry.size} expected`)
  const algorithm = job?.checksumAlgorithm
  const unrecorded = provider.downloadCheck
    ? { verified: true, by: provider.downloadCheck }
    : { verified: false, by: 'its size only: no checksum was recorded for it' }
  if (!job?.contentHash || !algorithm) return unrecorded
  const actual =
    (await localChecksum(temp, algorithm)) ??
    (await provider.localChecksum?.(algorithm, temp)) ??
    null
  if (actual === null) return unrecorded
  if (actual !== job.contentHash) throw mismatch(entry, `${algorithm} differs from the upload's`)
  return { verified: true, by: `${algorithm} recorded at upload` }
}

const NOTHING_RESTORED = 'The copy at the destination is damaged: nothing was restored.'

function mismatch(entry: RemoteEntry, detail: string): AppError {
  return new AppError(
    'restore_mismatch',
    `${entry.name} does not match its upload (${detail}). ${NOTHING_RESTORED}`,
  )
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
