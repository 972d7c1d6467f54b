import { randomUUID } from 'node:crypto'
import keytar from 'keytar'
// The binding's own keytar-style functions: what it really stored, without our adapter.
import * as napiKeyring from '@napi-rs/keyring/keytar.js'
import { describe, expect, it } from 'vitest'
import { createKeychainStore } from '../../../src/main/secrets/keychain-store.ts'
import {
  createKeyringNapiStore,
  NAPI_KEYRING,
} from '../../../src/main/secrets/keyring-napi-store.ts'
import { SECRET_SERVICE } from '../../../src/main/secrets/secret-store.ts'
import { keychainStoreSuite } from './keychain-store-suite.ts'

keychainStoreSuite(NAPI_KEYRING, napiKeyring)

// Why switching backends needs `secrets migrate`: on the Secret Service each library finds only
// its own items, even under the same service and account.
describe('keytar and @napi-rs/keyring on the Secret Service', () => {
  it('do not see each other’s secrets under the same service and account', async () => {
    const account = `test-${randomUUID()}`
    const viaKeytar = createKeychainStore()
    const viaNapi = createKeyringNapiStore()
    try {
      await viaKeytar.set(account, 'keytar-token')
      expect(await viaNapi.get(account)).toBeNull()
      await viaNapi.set(account, 'napi-token')
      expect(await keytar.getPassword(SECRET_SERVICE, account)).toBe('keytar-token')
      expect(await napiKeyring.getPassword(SECRET_SERVICE, account)).toBe('napi-token')
    } finally {
      await keytar.deletePassword(SECRET_SERVICE, account)
      await napiKeyring.deletePassword(SECRET_SERVICE, account)
    }
  })
})
