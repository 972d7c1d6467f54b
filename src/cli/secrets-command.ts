import { AppError } from '../shared/app-error.ts'
import { SECRET_STORE_KINDS } from '../shared/settings-schema.ts'
import type { Engine } from '../main/engine.ts'
import type { MigrationOutcome } from '../main/secrets/secret-migration.ts'
import { printJson } from './output.ts'

const USAGE = `Usage: fermentrack-backup secrets migrate --to ${SECRET_STORE_KINDS.join('|')} [--json].`

/** `secrets migrate --to KIND`: moves every token to another secret store and switches to it. */
export async function secretsCommand(
  engine: Engine,
  args: string[],
  options: { to?: string; json: boolean },
): Promise<void> {
  if (args.length !== 1 || args[0] !== 'migrate') throw new AppError('usage', USAGE)
  const target = SECRET_STORE_KINDS.find((kind) => kind === options.to)
  if (!target)
    throw new AppError('usage', `--to must be one of ${SECRET_STORE_KINDS.join(', ')}. ${USAGE}`)
  const outcome = await engine.migrateSecrets(target)
  await engine.close()
  if (options.json) printJson({ to: target, ...outcome })
  else process.stdout.write(summary(target, outcome) + '\n')
}

function summary(target: string, { copied, present, removed, from }: MigrationOutcome): string {
  if (!from) return `Tokens are already kept in ${target}; nothing to migrate.`
  if (copied === 0 && present === 0) {
    return `Finished an earlier migration: removed ${removed} token(s) left in ${from}. ${target} is in use.`
  }
  const again = present > 0 ? ` (${present} were there already)` : ''
  return `Copied ${copied} token(s) from ${from} to ${target}${again}, checked each, and removed ${removed} from ${from}. The secretStore setting is now ${target}.`
}
