import keytar from 'keytar'
import { KEYTAR } from '../../../src/main/secrets/keychain-store.ts'
import { keychainStoreSuite } from './keychain-store-suite.ts'

keychainStoreSuite(KEYTAR, keytar)
