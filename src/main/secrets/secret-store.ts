import type { SECRET_STORE_KINDS } from '../../shared/settings-schema.ts'

/** Where the app keeps provider tokens, one secret per connection id. */
export interface SecretStore {
  readonly kind: (typeof SECRET_STORE_KINDS)[number]
  /** The secret, or null when none is stored for this account. */
  get(account: string): Promise<string | null>
  set(account: string, secret: string): Promise<void>
  /** True when a secret was stored and is now gone. */
  delete(account: string): Promise<boolean>
}

export type SecretStoreKind = SecretStore['kind']

/** The keychain service name every token is filed under (the account is the connection id). */
export const SECRET_SERVICE = 'Fermentrack Backup Companion'

/**
 * Both backends reject empty names and values the same way. keytar would throw its own
 * "Password is required." otherwise, which would pass for a keychain failure.
 */
export function assertSecretArgs(account: string, secret?: string): void {
  if (typeof account !== 'string' || account === '') {
    throw new TypeError('A secret store account must be a non-empty string.')
  }
  if (secret !== undefined && (typeof secret !== 'string' || secret === '')) {
    throw new TypeError('A stored secret must be a non-empty string.')
  }
}
