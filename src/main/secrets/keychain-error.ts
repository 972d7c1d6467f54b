import { AppError } from '../../shared/app-error.ts'

// Failures keytar (through libsecret) and @napi-rs/keyring (keyring-rs, through zbus) report on
// Linux, each mapped to one plain sentence. The raw text stays on `cause` for the log.
const KNOWN: ReadonlyArray<readonly [RegExp, string]> = [
  [
    /autolaunch D-Bus|DBUS_SESSION_BUS_ADDRESS|Could not connect|Failed to connect|Connection refused/i,
    'No D-Bus session is running, so the OS keychain (Secret Service) cannot be reached.',
  ],
  // keyring-rs's whole answer when there is no bus, or none it may use.
  [
    /platform storage: AccessDenied/,
    'No D-Bus session is running, or it refused the connection, so the OS keychain (Secret Service) cannot be reached.',
  ],
  // keyring-rs asks for the unlock prompt a locked collection needs; without a display it is
  // dismissed at once.
  [
    /locked collection|IsLocked|is locked|unlock prompt was dismissed/i,
    'The OS keychain is locked.',
  ],
  [
    // keyring-rs: "no result found" when looking up the default collection.
    /Object does not exist at path .*\/collection\/|Secret Service: no result found/i,
    'The OS keychain has no unlocked login keyring (the keyring was started without being unlocked).',
  ],
  [
    /org\.freedesktop\.secrets|ServiceUnknown|not provided by any \.service files/i,
    'No Secret Service (such as gnome-keyring) is running in the D-Bus session.',
  ],
]

/** Turns any failure of a keychain call into keychain_unavailable, whose fix names both remedies. */
export function keychainError(cause: unknown): AppError {
  const raw = cause instanceof Error ? cause.message : String(cause)
  const known = KNOWN.find(([pattern]) => pattern.test(raw))
  const detail = known
    ? known[1]
    : `The OS keychain (Secret Service) refused the request: ${raw.replace(/\.?\s*$/, '.')}`
  return new AppError('keychain_unavailable', detail, { cause })
}
