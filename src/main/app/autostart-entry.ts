// Start at login on Linux: an XDG autostart entry.
// https://specifications.freedesktop.org/autostart-spec/latest/
import { mkdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { desktopEntry, execLine } from './desktop-entry.ts'

export const AUTOSTART_FILE_NAME = 'fermentrack-backup-companion.desktop'
export const HIDDEN_FLAG = '--hidden'

/** $XDG_CONFIG_HOME/autostart/…; the spec says to ignore a relative XDG_CONFIG_HOME. */
export function autostartFile(env: NodeJS.ProcessEnv, home = os.homedir()): string {
  const configHome = env.XDG_CONFIG_HOME
  const base = configHome && path.isAbsolute(configHome) ? configHome : path.join(home, '.config')
  return path.join(base, 'autostart', AUTOSTART_FILE_NAME)
}

export function autostartEntry(command: readonly string[]): string {
  return desktopEntry({
    Type: 'Application',
    Name: 'Fermentrack Backup Companion',
    Comment: 'Uploads new Fermentrack backups to your cloud storage',
    Exec: execLine(command, [HIDDEN_FLAG]),
    Icon: 'fermentrack-backup-companion',
    Terminal: 'false',
    'X-GNOME-Autostart-enabled': 'true',
  })
}

export async function writeAutostartEntry(file: string, command: readonly string[]): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, autostartEntry(command), { mode: 0o644 })
}

export async function removeAutostartEntry(file: string): Promise<void> {
  await rm(file, { force: true })
}
