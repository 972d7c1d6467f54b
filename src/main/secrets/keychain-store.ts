import { randomBytes } from 'node:crypto'
import { AppError, isAppError } from '../../shared/app-error.ts'
import { keychainError } from './keychain-error.ts'
import { assertSecretArgs, SECRET_SERVICE, type SecretStore } from './secret-store.ts'
import { sessionBusState } from './session-bus-check.ts'

/** The keychain calls this store makes, by service and account: keytar's API. */
export type Keytar = Pick<typeof import('keytar'), 'getPassword' | 'setPassword' | 'deletePassword'>

/** A library that reaches the OS keychain: keytar, or keyring-napi-store.ts's. */
export interface KeychainLibrary {
  kind: 'keychain' | 'keyring-napi'
  /** Named in the error when it cannot load. */
  label: string
  load(): Promise<Keytar>
}

export const KEYTAR: KeychainLibrary = {
  kind: 'keychain',
  label: 'keytar with libsecret',
  // Imported on first use, so a machine without libsecret fails only when this backend is chosen.
  load: async () => (await import('keytar')).default,
}

export interface KeychainStoreOptions {
  /** Longest one keychain call may take; see DEFAULT_TIMEOUT_MS. */
  timeoutMs?: number
  /** keytar unless given. */
  library?: KeychainLibrary
  /** Loads the library; replaceable so a machine without libsecret can be simulated. */
  loadKeytar?: () => Promise<Keytar>
}

export interface KeychainStore extends SecretStore {
  readonly kind: KeychainLibrary['kind']
  /** Resolves only when the keychain can store a secret now: reachable, unlocked, with a keyring. */
  check(): Promise<void>
}

// A desktop may show an unlock prompt that waits for the user to type the keyring password, so
// the limit is generous. It is the second line of defence: see session-bus-check.ts.
const DEFAULT_TIMEOUT_MS = 30_000
// A live bus answers its greeting in milliseconds; no prompt can delay it.
const BUS_ANSWER_MS = 5_000

// macOS and Windows keep their own keychains; everything else reaches libsecret over D-Bus.
const USES_DBUS = process.platform !== 'darwin' && process.platform !== 'win32'

// The check writes and deletes an item under its own service name, so it can never touch a
// real connection's token. Reads cannot do this check: on a locked keyring getPassword answers
// null and findCredentials crashes the process (keytar reads a secret that is not there).
export const KEYCHAIN_CHECK_SERVICE = `${SECRET_SERVICE} (keychain check)`
// One check item per process: the app and a CLI command probing at the same moment must not
// delete each other's item mid-check.
export const KEYCHAIN_CHECK_ACCOUNT = `check-${process.pid}-${randomBytes(4).toString('hex')}`

/** Tokens in the OS keychain (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows). */
export function createKeychainStore({
  timeoutMs = DEFAULT_TIMEOUT_MS,
  library = KEYTAR,
  loadKeytar = library.load,
}: KeychainStoreOptions = {}): KeychainStore {
  let keytar: Keytar | undefined
  let reachedKeychain = false
  // A call that timed out keeps a libuv thread blocked for good; failing fast afterwards keeps
  // further calls from blocking the rest of the thread pool (which fs also uses).
  let hung: AppError | undefined

  const api = async (): Promise<Keytar> => {
    const address = process.env.DBUS_SESSION_BUS_ADDRESS
    const busWait = Math.min(timeoutMs, BUS_ANSWER_MS)
    if (USES_DBUS && !reachedKeychain && (await sessionBusState(address, busWait)) === 'silent') {
      throw new AppError(
        'keychain_unavailable',
        'The D-Bus session bus does not answer, so the OS keychain (Secret Service) cannot be reached.',
      )
    }
    try {
      keytar ??= await loadKeytar()
    } catch (cause) {
      throw new AppError(
        'keychain_unavailable',
        `The OS keychain library (${library.label}) could not be loaded.`,
        { cause },
      )
    }
    return keytar
  }

  const call = async <T>(run: (keytar: Keytar) => Promise<T>): Promise<T> => {
    if (hung) throw hung
    const keytar = await api()
    try {
      const result = await withTimeout(
        run(keytar),
        timeoutMs,
        () =>
          (hung = new AppError(
            'keychain_unavailable',
            `The OS keychain (Secret Service) did not answer within ${timeoutMs / 1000} s.`,
          )),
      )
      reachedKeychain = true
      return result
    } catch (error) {
      throw isAppError(error) ? error : keychainError(error)
    }
  }

  const check = () =>
    call(async (keytar) => {
      await keytar.setPassword(KEYCHAIN_CHECK_SERVICE, KEYCHAIN_CHECK_ACCOUNT, 'ok')
      await keytar.deletePassword(KEYCHAIN_CHECK_SERVICE, KEYCHAIN_CHECK_ACCOUNT)
    })

  return {
    kind: library.kind,
    check,
    async get(account) {
      assertSecretArgs(account)
      const secret = await call((keytar) => keytar.getPassword(SECRET_SERVICE, account))
      // null also comes back from a locked keyring; only report "none stored" once it is open.
      if (secret === null) await check()
      return secret
    },
    async set(account, secret) {
      assertSecretArgs(account, secret)
      await call((keytar) => keytar.setPassword(SECRET_SERVICE, account, secret))
    },
    async delete(account) {
      assertSecretArgs(account)
      const deleted = await call((keytar) => keytar.deletePassword(SECRET_SERVICE, account))
      // As in get: a locked keyring answers false and would keep the token it was asked to drop.
      if (!deleted) await check()
      return deleted
    },
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms)
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}
