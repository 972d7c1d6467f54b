import { describe, expect, it } from 'vitest'
import { REMOTE_FOLDER, remoteFolderFor } from '../../src/shared/remote-folder.ts'

describe('remoteFolderFor', () => {
  it('keeps a subfolder below the remote folder, and the top folder as it is', () => {
    expect(remoteFolderFor('/Fermentrack Backups')).toBe('/Fermentrack Backups')
    expect(remoteFolderFor('/Fermentrack Backups', 'a/b')).toBe('/Fermentrack Backups/a/b')
    expect(remoteFolderFor('/', 'a')).toBe('/a')
    expect(remoteFolderFor('/', 'a')).toMatch(REMOTE_FOLDER)
  })
})
