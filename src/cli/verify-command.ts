import { AppError } from '../shared/app-error.ts'
import type { Engine } from '../main/engine.ts'
import type { VerifyRun } from '../main/verify/verify-runs.ts'
import { printJson } from './output.ts'
import { UNVERIFIED_EXIT } from './restore-commands.ts'

/**
 * `verify --connection ID [--sample N]`: re-downloads the newest N backups there and checks them
 * as a restore would. Exit 0 when all were verified by a checksum, 1 for a damaged copy or a
 * failed download, 3 when one could be checked by its size only.
 */
export async function verifyCommand(
  engine: Engine,
  options: { connection?: string; sample?: string; json: boolean },
): Promise<void> {
  const { connection } = options
  if (!connection)
    throw new AppError(
      'usage',
      'Say which destination to check: `verify --connection ID` (see `connections`).',
    )
  if (!engine.uploads.destinations().includes(connection))
    throw new AppError(
      'usage',
      `No destination has the id "${connection}": run \`connections\` for the ids.`,
    )
  const sample = options.sample === undefined ? 1 : Number(options.sample)
  if (!/^\d+$/.test(options.sample ?? '1') || sample < 1)
    throw new AppError(
      'usage',
      `--sample must be a whole number of backups, 1 or more, not "${options.sample}".`,
    )
  const run = await engine.verify.run(connection, sample)
  await engine.close()
  if (options.json) printJson(run)
  else process.stdout.write(runLine(run) + '\n')
  process.exitCode = EXIT[run.outcome]
}

const EXIT: Record<VerifyRun['outcome'], number> = {
  verified: 0,
  size_only: UNVERIFIED_EXIT,
  mismatch: 1,
  error: 1,
}

function runLine(run: VerifyRun): string {
  const what = run.names.length > 0 ? run.names.join(', ') : 'no backup'
  if (run.outcome === 'verified') {
    const by = [...new Set(run.checked_by ?? [])].join(', ')
    return `Verified ${what} at ${run.connection_id}${by ? ` by ${by}` : ''}.`
  }
  if (run.outcome === 'size_only')
    return `Not verified at ${run.connection_id}: ${run.reason ?? ''}`.trim()
  return `FAILED at ${run.connection_id} (${what}): ${run.reason ?? run.outcome}`
}
