import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createKeychainStore,
  KEYCHAIN_CHECK_ACCOUNT,
  KEYCHAIN_CHECK_SERVICE,
  type KeychainLibrary,
  type Keytar,
} from '../../../src/main/secrets/keychain-store.ts'
import { SECRET_SERVICE } from '../../../src/main/secrets/secret-store.ts'

/**
 * The SecretStore behaviour every OS keychain backend must have, run by one test file per
 * backend against the real Secret Service that scripts/run-tests.sh starts (an unlocked
 * gnome-keyring). `direct` is the library's own API, used to see what was really stored.
 */
export function keychainStoreSuite(library: KeychainLibrary, direct: Keytar): void {
  describe(`keychain store (${library.kind})`, () => {
    keychainStoreTests(library, direct)
  })
}

function keychainStoreTests(library: KeychainLibrary, direct: Keytar): void {
  const store = createKeychainStore({ library })
  const used: string[] = []
  const account = () => {
    const id = `test-${randomUUID()}`
    used.push(id)
    return id
  }

  afterEach(async () => {
    for (const id of used.splice(0)) await direct.deletePassword(SECRET_SERVICE, id)
  })

  it('stores, reads back, overwrites and deletes a secret', async () => {
    const id = account()
    await store.set(id, 'first-token')
    expect(await store.get(id)).toBe('first-token')
    await store.set(id, 'second-token')
    expect(await store.get(id)).toBe('second-token')
    expect(await store.delete(id)).toBe(true)
    expect(await store.get(id)).toBeNull()
  })

  it('knows itself by the FTB_SECRET_STORE name', () => {
    expect(store.kind).toBe(library.kind)
  })

  it('files secrets under the app service with the connection id as account', async () => {
    const id = account()
    await store.set(id, 'token')
    expect(await direct.getPassword(SECRET_SERVICE, id)).toBe('token')
  })

  it('keeps unicode and 8 KiB secrets intact', async () => {
    const unicode = account()
    const long = account()
    const unicodeSecret = 'Bière ünd 日本酒 🍺 — "quotes" \\ back\nline'
    const longSecret = Array.from({ length: 8192 }, (_, i) => 'abcdefghij'[i % 10]).join('')
    await store.set(unicode, unicodeSecret)
    await store.set(long, longSecret)
    expect(await store.get(unicode)).toBe(unicodeSecret)
    expect(await store.get(long)).toBe(longSecret)
  })

  it('keeps accounts apart', async () => {
    const a = account()
    const b = account()
    await store.set(a, 'token-a')
    await store.set(b, 'token-b')
    expect(await store.delete(a)).toBe(true)
    expect(await store.get(a)).toBeNull()
    expect(await store.get(b)).toBe('token-b')
  })

  it('answers null for an account with no secret, and false when deleting it', async () => {
    const id = account()
    expect(await store.get(id)).toBeNull()
    expect(await store.delete(id)).toBe(false)
  })

  it('leaves nothing behind after checking that the keychain is writable', async () => {
    await store.check()
    expect(await direct.getPassword(KEYCHAIN_CHECK_SERVICE, KEYCHAIN_CHECK_ACCOUNT)).toBeNull()
  })

  it('rejects empty accounts and secrets as programming errors, not keychain failures', async () => {
    await expect(store.get('')).rejects.toThrow(TypeError)
    await expect(store.set(account(), '')).rejects.toThrow(TypeError)
  })

  it('gives up on a call that never returns, then fails fast without calling again', async () => {
    let calls = 0
    const stuck = createKeychainStore({
      library,
      timeoutMs: 200,
      loadKeytar: async () => ({
        ...direct,
        setPassword: () => {
          calls++
          return new Promise<void>(() => {})
        },
      }),
    })
    const first = await stuck.set(account(), 'never-stored-secret').catch((e: unknown) => e)
    expect(first).toMatchObject({ code: 'keychain_unavailable' })
    expect((first as Error).message).toMatch(
      /^The OS keychain \(Secret Service\) did not answer within 0\.2 s\./,
    )
    expect((first as Error).message).not.toContain('never-stored-secret')
    await expect(stuck.get(account())).rejects.toBe(first)
    expect(calls).toBe(1)
  })

  it('reports a keychain library that cannot load as keychain_unavailable, naming both remedies', async () => {
    const missing = createKeychainStore({
      library,
      loadKeytar: () =>
        Promise.reject(new Error('libsecret-1.so.0: cannot open shared object file: No such file')),
    })
    const error = await missing.set(account(), 'never-stored-secret').catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'keychain_unavailable' })
    const { message } = error as Error
    expect(message).toMatch(
      new RegExp(`^The OS keychain library \\(${library.label}\\) could not be loaded\\.`),
    )
    expect(message).toMatch(/Unlock or start your keyring/)
    expect(message).toMatch(/FTB_SECRET_STORE=file/)
    expect(message).not.toContain('never-stored-secret')
  })
}
