// The restore's native parts: the folder picker main opens itself (the window never names a
// folder) and "Show in folder", which reveals the restored file in the system's file manager.
import type * as Electron from 'electron'
import type { RestoreShell } from '../companion/cloud-restores.ts'

export interface RestoreShellDeps {
  dialog: Pick<Electron.Dialog, 'showOpenDialog'>
  shell: Pick<Electron.Shell, 'showItemInFolder'>
  /** The window the picker belongs to, when it is showing. */
  parent: () => Electron.BaseWindow | undefined
}

export function electronRestoreShell({ dialog, shell, parent }: RestoreShellDeps): RestoreShell {
  return {
    chooseRestoreFolder: async (defaultPath) => {
      const options: Electron.OpenDialogOptions = {
        title: 'Restore the backup into',
        buttonLabel: 'Restore here',
        defaultPath,
        properties: ['openDirectory', 'createDirectory'],
      }
      const window = parent()
      const result = await (window
        ? dialog.showOpenDialog(window, options)
        : dialog.showOpenDialog(options))
      return result.canceled ? null : (result.filePaths[0] ?? null)
    },
    showItemInFolder: (path) => shell.showItemInFolder(path),
  }
}
