import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { isAbsolute, join } from 'node:path'

/**
 * Where a restore goes by default: the user's Downloads folder (issue #10). On Linux that is the
 * folder the desktop names in `user-dirs.dirs` (xdg-user-dirs: a translated "Téléchargements", or
 * one moved elsewhere), else ~/Downloads. `XDG_DOWNLOAD_DIR` in the environment comes first, as
 * some sessions export the file's values.
 */
export function downloadsFolder(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): string {
  const home = env.HOME || homedir()
  const fromEnv = env.XDG_DOWNLOAD_DIR
  if (fromEnv && isAbsolute(fromEnv)) return fromEnv
  const named = platform === 'linux' ? userDirsDownload(env, home) : null
  return named ?? join(home, 'Downloads')
}

/** XDG_DOWNLOAD_DIR from `$XDG_CONFIG_HOME/user-dirs.dirs`, or null where it names none. */
function userDirsDownload(env: NodeJS.ProcessEnv, home: string): string | null {
  const config = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME)
  const file = join(config ? env.XDG_CONFIG_HOME! : join(home, '.config'), 'user-dirs.dirs')
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return null
  }
  for (const line of text.split('\n')) {
    const match = /^\s*XDG_DOWNLOAD_DIR\s*=\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(line)
    if (match) return userDirsPath(match[1]!, home)
  }
  return null
}

/**
 * The file is shell syntax, but only two forms are allowed: "$HOME/<path>" or an absolute path
 * (backslash escapes a quote, a backslash, a dollar or a backtick). "$HOME" alone means the
 * folder is switched off: then the default.
 */
function userDirsPath(quoted: string, home: string): string | null {
  const value = quoted.replace(/\\(.)/g, '$1')
  if (value === '$HOME' || value === '$HOME/') return null
  if (value.startsWith('$HOME/')) return join(home, value.slice('$HOME/'.length))
  return isAbsolute(value) ? value : null
}
