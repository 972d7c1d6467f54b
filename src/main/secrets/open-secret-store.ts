import { AppError } from '../../shared/app-error.ts'
import { SECRET_STORE_KINDS } from '../../shared/settings-schema.ts'
import type { Logger } from '../log/logger.ts'
import { createFileStore } from './file-store.ts'
import { createKeychainStore } from './keychain-store.ts'
import { createKeyringNapiStore } from './keyring-napi-store.ts'
import { SECRET_SERVICE, type SecretStore, type SecretStoreKind } from './secret-store.ts'

export interface OpenSecretStoreOptions {
  kind: SecretStoreKind
  /** The app's home folder; the file backend keeps `secrets.json` there. */
  home: string
  log: Logger
  /** Overrides the keychain's per-call time limit (tests use a short one). */
  keychainTimeoutMs?: number
}

/**
 * Opens the chosen backend and proves it usable before anyone relies on it. There is no
 * fallback: if the keychain is unreachable this fails with keychain_unavailable, and only the
 * user can choose the unencrypted file.
 */
export async function openSecretStore({
  kind,
  home,
  log,
  keychainTimeoutMs,
}: OpenSecretStoreOptions): Promise<{ store: SecretStore; warning?: string }> {
  if (kind === 'file') {
    const store = createFileStore({ home, log })
    const warning = `Tokens are stored UNENCRYPTED in ${store.path} (FTB_SECRET_STORE=file). Use the OS keychain where one is available.`
    log.warn(warning, { file: store.path })
    return { store, warning }
  }
  const store =
    kind === 'keyring-napi'
      ? createKeyringNapiStore({ timeoutMs: keychainTimeoutMs })
      : createKeychainStore({ timeoutMs: keychainTimeoutMs })
  try {
    await store.check()
  } catch (error) {
    log.error('The OS keychain is unavailable', { error })
    throw error
  }
  log.info('Tokens are kept in the OS keychain', { service: SECRET_SERVICE, backend: kind })
  return { store }
}

/** FTB_SECRET_STORE wins over the setting; keytar's keychain is the default. Empty counts as unset. */
export function secretStoreKind(
  env: NodeJS.ProcessEnv,
  setting?: SecretStoreKind,
): SecretStoreKind {
  const value = env.FTB_SECRET_STORE
  if (value === undefined || value === '') return setting ?? 'keychain'
  const kind = SECRET_STORE_KINDS.find((known) => known === value)
  if (kind) return kind
  throw new AppError('usage', 'FTB_SECRET_STORE must be "keychain", "keyring-napi" or "file".')
}
