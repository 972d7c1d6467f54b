// Freedesktop desktop entries, for the Linux autostart file and the AppImage URL handler.
// https://specifications.freedesktop.org/desktop-entry-spec/latest/exec-variables.html

/**
 * One Exec argument, always double-quoted. Inside quotes `"`, `` ` ``, `$` and `\` take a
 * backslash, and the desktop file's own string escaping then doubles every backslash (so a
 * literal `\` becomes four). `%` is a field-code marker and is written `%%`.
 */
export function quoteExecArg(arg: string): string {
  // A line break (or any control character) would end the Exec line and start a new key.
  if ([...arg].some((char) => char < ' ' || char === '\u007f')) {
    throw new Error('Exec argument has a control character')
  }
  const escaped = arg
    .replace(/\\/g, '\\\\\\\\')
    .replace(/(["`$])/g, '\\\\$1')
    .replace(/%/g, '%%')
  return `"${escaped}"`
}

/** The Exec value: the command's arguments quoted, then `extra` (flags, field codes) verbatim. */
export function execLine(command: readonly string[], extra: readonly string[] = []): string {
  return [...command.map(quoteExecArg), ...extra].join(' ')
}

/** A `[Desktop Entry]` group; values are plain single-line strings. */
export function desktopEntry(fields: Readonly<Record<string, string>>): string {
  const lines = Object.entries(fields).map(([key, value]) => {
    if (/[\r\n]/.test(value)) throw new Error(`Desktop entry value for ${key} has a line break`)
    return `${key}=${value}`
  })
  return ['[Desktop Entry]', ...lines, ''].join('\n')
}
