import { AppError } from '../../shared/app-error.ts'

// Failures keytar reports through libsecret on Linux, each mapped to one
// plain sentence. The raw text stays on `cause` for the log.
const KNOWN: ReadonlyArray<readonly [RegExp, string]> = [
  [
    /autolaunch D-Bus|DBUS_SESSION_BUS_ADDRESS|Could not connect|Failed to connect|Connection refused/i,
    'No D-Bus session is running, so the OS keychain (Secret Service) cannot be reached.',
  ],
  [/locked collection|IsLocked|is locked/i, 'The OS keychain is locked.'],
  [
    /Object does not exist at path .*\/collection\//i,
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
