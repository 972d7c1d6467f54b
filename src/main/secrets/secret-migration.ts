import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '../../shared/app-error.ts'
import { SECRET_STORE_KINDS } from '../../shared/settings-schema.ts'
import { writeOwnerOnlyFile } from '../fs/owner-only-file.ts'
import type { SecretStore, SecretStoreKind } from './secret-store.ts'

export interface SecretMigration {
  /** The store in use now (the secretStore setting). */
  current: SecretStoreKind
  target: SecretStoreKind
  /** Every account a secret may be filed under (connections, client secrets, the ping URL). */
  accounts: readonly string[]
  /** The home folder, which keeps the marker of a migration not yet cleaned up. */
  home: string
  /** Opens a backend and proves it usable (openSecretStore). */
  open(kind: SecretStoreKind): Promise<SecretStore>
  /** Makes `target` the store the app and the CLI use from now on (the setting). */
  useTarget(): void
}

export interface MigrationOutcome {
  /** Secrets copied to the target now. */
  copied: number
  /** Secrets the target held already with the same value (a repeated or resumed run). */
  present: number
  /** Secrets removed from the store left behind. */
  removed: number
  /** The backend the tokens were taken from, when there was anything to do. */
  from?: SecretStoreKind
}

interface Marker {
  from: SecretStoreKind
  to: SecretStoreKind
}

/**
 * Moves every secret from the current store to the target, in an order that keeps the app
 * working if it stops at any point, and that a second run completes:
 * 1. copy each secret and read it back from the target (the old store still has all of them);
 * 2. write a marker, then switch the setting (from here on the target is the one in use);
 * 3. remove the copies from the old store, then the marker.
 * A run interrupted in 1 or 2 starts over; one interrupted in 3 finds the marker and finishes.
 */
export async function migrateSecrets(migration: SecretMigration): Promise<MigrationOutcome> {
  const markerFile = join(migration.home, 'secrets-migration.json')
  const pending = await readMarker(markerFile)
  if (migration.current === migration.target) {
    // Only a marker left by a move into the store now in use may empty its old store.
    if (pending?.to !== migration.target) {
      await rm(markerFile, { force: true })
      return { copied: 0, present: 0, removed: 0 }
    }
    const from = await migration.open(pending.from)
    const to = await migration.open(migration.target)
    const removed = await removeMoved(from, to, migration.accounts)
    await rm(markerFile, { force: true })
    return { copied: 0, present: 0, removed, from: pending.from }
  }
  const from = await migration.open(migration.current)
  const to = await migration.open(migration.target)
  let copied = 0
  let present = 0
  for (const account of migration.accounts) {
    const secret = await from.get(account)
    if (secret === null) continue
    if ((await to.get(account)) === secret) present++
    else {
      await copyVerified(to, account, secret)
      copied++
    }
  }
  await writeOwnerOnlyFile(
    markerFile,
    JSON.stringify({ from: migration.current, to: migration.target } satisfies Marker) + '\n',
  )
  migration.useTarget()
  const removed = await removeMoved(from, to, migration.accounts)
  await rm(markerFile, { force: true })
  return { copied, present, removed, from: migration.current }
}

async function copyVerified(to: SecretStore, account: string, secret: string): Promise<void> {
  await to.set(account, secret)
  if ((await to.get(account)) !== secret) {
    throw new AppError(
      'secret_migration_failed',
      `The ${to.kind} secret store did not give back a token just stored in it.`,
    )
  }
}

// The target is in use now: a token it holds wins, even if it differs (refreshed since the
// copy); one it lacks is copied before the old one goes.
async function removeMoved(
  from: SecretStore,
  to: SecretStore,
  accounts: readonly string[],
): Promise<number> {
  let removed = 0
  for (const account of accounts) {
    const secret = await from.get(account)
    if (secret === null) continue
    if ((await to.get(account)) === null) await copyVerified(to, account, secret)
    if (await from.delete(account)) removed++
  }
  return removed
}

async function readMarker(file: string): Promise<Marker | undefined> {
  try {
    const marker = JSON.parse(await readFile(file, 'utf8')) as Partial<Marker>
    const known = (kind: unknown) => SECRET_STORE_KINDS.some((k) => k === kind)
    return known(marker.from) && known(marker.to) ? (marker as Marker) : undefined
  } catch {
    // Missing, or not JSON (it is written atomically, so only a hand edit does that): no
    // clean-up is pending.
    return undefined
  }
}
