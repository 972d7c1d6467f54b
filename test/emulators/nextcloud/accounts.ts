import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { NextcloudUser } from './types.ts'
import { header } from './http-io.ts'

/**
 * The one user and the app passwords minted for them by Login Flow v2. Nextcloud's app passwords
 * are 72 characters from [A-Za-z0-9], in five dash-separated groups in the UI; the format here
 * only needs to be long and random.
 */
export class Accounts {
  private readonly passwords = new Set<string>()

  readonly user: NextcloudUser

  constructor(user: NextcloudUser) {
    this.user = user
  }

  mint(): string {
    const password = randomBytes(36).toString('base64url').replace(/[-_]/g, 'x')
    this.passwords.add(password)
    return password
  }

  revoke(password: string): void {
    this.passwords.delete(password)
  }

  revokeAll(): void {
    this.passwords.clear()
  }

  active(): string[] {
    return [...this.passwords]
  }

  /** The app password of a request's Basic credentials, when they are valid. */
  authenticate(req: IncomingMessage): string | undefined {
    const match = /^Basic\s+(\S+)$/i.exec(header(req, 'authorization') ?? '')
    if (!match) return undefined
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon < 0) return undefined
    const login = decoded.slice(0, colon)
    const password = decoded.slice(colon + 1)
    // Nextcloud accepts the login name case-insensitively; the password must match exactly.
    if (login.toLowerCase() !== this.user.loginName.toLowerCase()) return undefined
    return this.passwords.has(password) ? password : undefined
  }
}
