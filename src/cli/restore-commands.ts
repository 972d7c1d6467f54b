import { resolve } from 'node:path'
import { AppError } from '../shared/app-error.ts'
import type { Engine } from '../main/engine.ts'
import { downloadsFolder } from '../main/restore/remote-backups.ts'
import { formatBytes, printJson } from './output.ts'

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
  const result = await engine.backups.restore(options.connection, backup, toDir)
  if (options.json) return printJson(result)
  process.stdout.write(
    `Restored ${result.remote_path} to ${result.local_path} (${formatBytes(result.size)}), verified by ${result.verified_by}.\n`,
  )
}
