import { ERROR_CODES } from './error-codes.ts'
import type { ConnectionStatus } from './settings-schema.ts'

/** The words for a connection that cannot take uploads, shared by the CLI, the window and errors. */
export function missingPermissionMessage(scope = 'files.content.write'): string {
  return `Dropbox permission missing: enable ${scope} in the App Console, then reconnect.`
}

/** What a connection's status means to the user; null while it works. */
export function connectionProblem(status: ConnectionStatus): string | null {
  switch (status) {
    case 'connected':
      return null
    case 'needs_reauth':
      return ERROR_CODES.needs_reauth.cause
    case 'missing_permission':
      return missingPermissionMessage()
  }
}
