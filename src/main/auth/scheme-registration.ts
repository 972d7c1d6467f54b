import { execFileSync } from 'node:child_process'
import { SCHEME } from './callback-url.ts'

/**
 * Whether the OS sends fermentrack-backup:// links to an installed desktop app. Only then can a
 * custom-scheme redirect come back; otherwise the loopback redirect is the one that works.
 */
export function isSchemeHandlerRegistered(platform = process.platform): boolean {
  try {
    if (platform === 'linux') {
      const handler = execFileSync('xdg-mime', ['query', 'default', `x-scheme-handler/${SCHEME}`], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 5000,
      })
      return handler.trim().length > 0
    }
    if (platform === 'win32') {
      execFileSync('reg', ['query', `HKCU\\Software\\Classes\\${SCHEME}`], {
        stdio: 'ignore',
        timeout: 5000,
      })
      return true
    }
    // macOS has no command-line query for URL handlers; the desktop app receives its own links.
    return false
  } catch {
    return false
  }
}
