import { describe, expect, it } from 'vitest'
import { electronRestoreShell, type RestoreShellDeps } from '../../../src/main/app/restore-shell.ts'

type Window = NonNullable<ReturnType<RestoreShellDeps['parent']>>

function fakes(answer: { canceled: boolean; filePaths: string[] }) {
  const dialogs: unknown[][] = []
  const shown: string[] = []
  const dialog = {
    showOpenDialog: async (...args: unknown[]) => {
      dialogs.push(args)
      return answer
    },
  } as unknown as RestoreShellDeps['dialog']
  const shell = { showItemInFolder: (path: string) => void shown.push(path) }
  return { dialog, shell, dialogs, shown }
}

describe('the restore shell', () => {
  it('opens a folder picker at the default folder, over the window, and returns the choice', async () => {
    const { dialog, shell, dialogs } = fakes({ canceled: false, filePaths: ['/home/b/Restored'] })
    const window = { id: 1 } as unknown as Window
    const restore = electronRestoreShell({ dialog, shell, parent: () => window })
    expect(await restore.chooseRestoreFolder('/home/b/Downloads')).toBe('/home/b/Restored')
    expect(dialogs).toEqual([
      [
        window,
        expect.objectContaining({
          defaultPath: '/home/b/Downloads',
          properties: ['openDirectory', 'createDirectory'],
        }),
      ],
    ])
  })

  it('returns null when the picker is cancelled, and opens it alone without a window', async () => {
    const { dialog, shell, dialogs } = fakes({ canceled: true, filePaths: [] })
    const restore = electronRestoreShell({ dialog, shell, parent: () => undefined })
    expect(await restore.chooseRestoreFolder('/home/b/Downloads')).toBeNull()
    expect(dialogs[0]).toHaveLength(1)
  })

  it('shows a restored file in the file manager', () => {
    const { dialog, shell, shown } = fakes({ canceled: true, filePaths: [] })
    electronRestoreShell({ dialog, shell, parent: () => undefined }).showItemInFolder('/r/a.tar.xz')
    expect(shown).toEqual(['/r/a.tar.xz'])
  })
})
