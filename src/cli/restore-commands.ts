import { stat } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { AppError } from '../shared/app-error.ts'
import type { Engine } from '../main/engine.ts'
import { RestoreStopped } from '../main/restore/partial-download.ts'
import { downloadsFolder } from '../main/restore/downloads-folder.ts'
import type { RestoreResult } from '../main/restore/restore-backup.ts'
import { ProgressMeter } from '../main/uploads/progress-meter.ts'
import { formatBytes, printJson } from './output.ts'
import { ProgressView } from './progress-view.ts'

export async function backupsCommand(
  engine: Engine,
  options: { connection?: string; json: boolean },
): Promise<void> {
  const backups = await engine.backups.list(options.connection)
  if (options.json)
    return printJson(backups.map(({ checksum_algorithm: _algorithm, ...backup }) => backup))
  if (backups.length === 0) return void process.stdout.write('No backups found.\n')
  for (const b of backups) {
    const ours = b.uploaded_by_us ? 'uploaded and verified by us' : 'not uploaded by us'
    process.stdout.write(
      `${b.connection_id}  ${b.name}  ${formatBytes(b.size)}  ${b.modified ?? 'no time'}  (${ours})\n`,
    )
  }
}

export async function restoreCommand(
  engine: Engine,
  backup: string,
  options: { connection?: string; to?: string; json: boolean },
): Promise<void> {
  if (!options.connection)
    throw new AppError(
      'usage',
      'Say which destination to restore from: `restore <name> --connection ID` (see `connections`).',
    )
  const toDir = resolve(options.to ?? downloadsFolder(process.env))
  // A typo in --to must not grow a new folder tree; the default Downloads is made if missing.
  if (options.to !== undefined) await requireFolder(toDir)
  const view = new ProgressView()
  let meter: ProgressMeter | undefined
  const stop = new AbortController()
  const interrupt = () => stop.abort()
  // Ctrl-C stops the download but keeps what arrived: the same command continues it.
  process.once('SIGINT', interrupt)
  try {
    const result = await engine.backups.restore(options.connection, backup, toDir, {
      signal: stop.signal,
      onProgress: (bytesDone, size) => {
        meter ??= new ProgressMeter(size)
        view.bar(basename(backup), meter.update(bytesDone))
      },
    })
    view.clearBar()
    reportRestore(result, options.json)
  } catch (error) {
    view.clearBar()
    if (!(error instanceof RestoreStopped)) throw error
    process.stderr.write(
      `Stopped: run the same command again to continue from ${mebibytes(error.bytesKept)} MiB.\n`,
    )
    process.exitCode = 130
  } finally {
    process.off('SIGINT', interrupt)
  }
}

async function requireFolder(path: string): Promise<void> {
  const found = await stat(path).catch(() => null)
  if (!found?.isDirectory())
    throw new AppError('restore_folder_missing', `There is no folder ${path} to restore into.`)
}

/**
 * Exit 0 only for a verified restore. A backup only its size could vouch for is kept under its
 * name (it may be the only copy there is) but exits 3, saying why it could not be verified.
 */
function reportRestore(result: RestoreResult, json: boolean): void {
  if (json) printJson(result)
  else if (result.verified)
    process.stdout.write(
      `Restored ${result.remote_path} to ${result.local_path} (${formatBytes(result.size)}), verified by ${result.verified_by}.\n`,
    )
  else
    process.stdout.write(
      `Restored ${result.remote_path} to ${result.local_path} (${formatBytes(result.size)}), but not verified: checked by ${result.verified_by}.\n`,
    )
  if (!result.verified) process.exitCode = UNVERIFIED_EXIT
}

/** The exit code of a restore or verify that only a size could check. */
export const UNVERIFIED_EXIT = 3

function mebibytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1)
}
