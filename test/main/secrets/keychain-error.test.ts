import { describe, expect, it } from 'vitest'
import { keychainError } from '../../../src/main/secrets/keychain-error.ts'

// The raw texts are what keytar/libsecret and @napi-rs/keyring report on Linux for each situation.
describe('keychainError', () => {
  it.each([
    ['Cannot autolaunch D-Bus without X11 $DISPLAY', /^No D-Bus session is running/],
    ['Could not connect: No such file or directory', /^No D-Bus session is running/],
    ['Cannot create an item in a locked collection', /^The OS keychain is locked\./],
    [
      'Object does not exist at path “/org/freedesktop/secrets/collection/login”',
      /^The OS keychain has no unlocked login keyring/,
    ],
    [
      'The name org.freedesktop.secrets was not provided by any .service files',
      /^No Secret Service \(such as gnome-keyring\) is running/,
    ],
    ["Couldn't access platform storage: AccessDenied", /^No D-Bus session is running, or it/],
    [
      "Couldn't access platform storage: Secret Service: unlock prompt was dismissed",
      /^The OS keychain is locked\./,
    ],
    [
      "Couldn't access platform storage: Secret Service: no result found",
      /^The OS keychain has no unlocked login keyring/,
    ],
    [
      'Something new went wrong',
      /^The OS keychain \(Secret Service\) refused the request: Something new went wrong\. /,
    ],
  ])('explains "%s" and names both remedies', (raw, detail) => {
    const cause = new Error(raw)
    const error = keychainError(cause)
    expect(error.code).toBe('keychain_unavailable')
    expect(error.message).toMatch(detail)
    expect(error.message).toMatch(/Unlock or start your keyring .*FTB_SECRET_STORE=file/)
    expect(error.cause).toBe(cause)
  })
})
