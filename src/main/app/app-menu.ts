// The application menu: the standard roles, with Quit in it, and developer tools only in
// unpackaged runs.
import type { MenuItemConstructorOptions } from 'electron'

export function applicationMenuTemplate(
  platform: NodeJS.Platform,
  isPackaged: boolean,
  appName: string,
): MenuItemConstructorOptions[] {
  const edit: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  }
  const develop: MenuItemConstructorOptions[] = isPackaged
    ? []
    : [{ label: 'View', submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }] }]
  if (platform === 'darwin') {
    return [
      {
        label: appName,
        submenu: [
          { role: 'about' },
          { type: 'separator' },
          { role: 'hide' },
          { role: 'hideOthers' },
          { role: 'unhide' },
          { type: 'separator' },
          { role: 'quit' },
        ],
      },
      edit,
      ...develop,
      { role: 'windowMenu' },
    ]
  }
  return [
    {
      label: '&File',
      // "Close window" hides it to the tray; Quit ends the app.
      submenu: [
        { role: 'close', label: 'Close window' },
        { role: 'quit', label: 'Quit' },
      ],
    },
    edit,
    ...develop,
  ]
}
