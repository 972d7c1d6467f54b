import {
  createKeychainStore,
  type KeychainLibrary,
  type KeychainStore,
  type KeychainStoreOptions,
} from './keychain-store.ts'

/**
 * The OS keychain through @napi-rs/keyring (keyring-rs), a maintained N-API binding, as the
 * alternative to keytar, which is archived upstream. Chosen with FTB_SECRET_STORE=keyring-napi
 * or the secretStore setting; `secrets migrate` moves the tokens between the two.
 *
 * The two do not share items on Linux: keytar files a secret under the attributes
 * {service, account}, keyring-rs under {service, username, target, application}, so neither
 * finds the other's (checked against gnome-keyring).
 */
export const NAPI_KEYRING: KeychainLibrary = {
  kind: 'keyring-napi',
  label: '@napi-rs/keyring',
  // Imported on first use, like keytar: only a machine that chose this backend needs it.
  load: async () => {
    const { AsyncEntry } = await import('@napi-rs/keyring')
    return {
      getPassword: (service, account) => new AsyncEntry(service, account).getPassword(),
      setPassword: (service, account, secret) =>
        new AsyncEntry(service, account).setPassword(secret),
      deletePassword: (service, account) => new AsyncEntry(service, account).deletePassword(),
    }
  },
}

export function createKeyringNapiStore(
  options: Omit<KeychainStoreOptions, 'library'> = {},
): KeychainStore {
  return createKeychainStore({ ...options, library: NAPI_KEYRING })
}
