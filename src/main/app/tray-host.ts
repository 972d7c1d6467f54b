// Whether the desktop can show the tray icon at all. Electron's Tray has no way to tell: on Linux
// it registers a StatusNotifierItem, and where nothing hosts those (stock GNOME without the
// AppIndicator extension) the icon silently never appears. The host is whoever owns
// org.kde.StatusNotifierWatcher on the session bus; `gdbus` (GLib, present wherever GNOME is)
// asks the bus without a D-Bus library in the app. macOS and Windows always have a tray.

export const STATUS_NOTIFIER_WATCHER = 'org.kde.StatusNotifierWatcher'

/** Runs a command and resolves with its stdout; rejects when it can't run or fails. */
export type RunCommand = (command: string, args: readonly string[]) => Promise<string>

/** true/false when known; undefined when it can't be told (no gdbus, no session bus). */
export async function hasTrayHost(
  platform: NodeJS.Platform,
  run: RunCommand,
): Promise<boolean | undefined> {
  if (platform !== 'linux') return true
  try {
    const answer = await run('gdbus', [
      'call',
      '--session',
      '--dest',
      'org.freedesktop.DBus',
      '--object-path',
      '/org/freedesktop/DBus',
      '--method',
      'org.freedesktop.DBus.NameHasOwner',
      STATUS_NOTIFIER_WATCHER,
    ])
    // gdbus prints the reply as a GVariant tuple: "(true,)" or "(false,)".
    if (/\(true,?\)/.test(answer)) return true
    if (/\(false,?\)/.test(answer)) return false
    return undefined
  } catch {
    return undefined
  }
}
