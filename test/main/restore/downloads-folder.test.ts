import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { downloadsFolder } from '../../../src/main/restore/downloads-folder.ts'
import { tempDirsPerTest } from '../../support/cli-process.ts'

const dir = tempDirsPerTest()

/** A home whose ~/.config/user-dirs.dirs holds `lines` (as xdg-user-dirs-update writes it). */
function homeWithUserDirs(lines: string[], config = '.config'): string {
  const home = dir('xdg-home')
  mkdirSync(join(home, config), { recursive: true })
  writeFileSync(join(home, config, 'user-dirs.dirs'), lines.join('\n') + '\n')
  return home
}

const HEADER = [
  '# This file is written by xdg-user-dirs-update',
  "# If you want to change or add directories, just edit the line you're interested in.",
  'XDG_DESKTOP_DIR="$HOME/Desktop"',
]

describe('downloadsFolder', () => {
  it.each<[string, string[], (home: string) => string]>([
    ['no user-dirs.dirs: ~/Downloads', [], (home) => join(home, 'Downloads')],
    [
      'a translated name under $HOME',
      [...HEADER, 'XDG_DOWNLOAD_DIR="$HOME/Téléchargements"'],
      (home) => join(home, 'Téléchargements'),
    ],
    ['an absolute path', [...HEADER, 'XDG_DOWNLOAD_DIR="/srv/dl"'], () => '/srv/dl'],
    [
      'escaped characters in the name',
      [...HEADER, 'XDG_DOWNLOAD_DIR="$HOME/My \\"Stuff\\" \\$x"'],
      (home) => join(home, 'My "Stuff" $x'),
    ],
    [
      '"$HOME" alone switches the folder off',
      [...HEADER, 'XDG_DOWNLOAD_DIR="$HOME/"'],
      (home) => join(home, 'Downloads'),
    ],
    [
      'a commented-out line is not read',
      ['#XDG_DOWNLOAD_DIR="/srv/dl"'],
      (home) => join(home, 'Downloads'),
    ],
    [
      'a relative path is not allowed',
      ['XDG_DOWNLOAD_DIR="dl"'],
      (home) => join(home, 'Downloads'),
    ],
  ])('%s', (_, lines, expected) => {
    const home = lines.length === 0 ? dir('xdg-home') : homeWithUserDirs(lines)
    expect(downloadsFolder({ HOME: home }, 'linux')).toBe(expected(home))
  })

  it('reads user-dirs.dirs under $XDG_CONFIG_HOME when that is set', () => {
    const home = homeWithUserDirs(['XDG_DOWNLOAD_DIR="$HOME/Elsewhere"'], 'xdg')
    const env = { HOME: home, XDG_CONFIG_HOME: join(home, 'xdg') }
    expect(downloadsFolder(env, 'linux')).toBe(join(home, 'Elsewhere'))
    // ~/.config is not read then.
    expect(downloadsFolder({ HOME: home }, 'linux')).toBe(join(home, 'Downloads'))
  })

  it('XDG_DOWNLOAD_DIR in the environment comes first; other systems use ~/Downloads', () => {
    const home = homeWithUserDirs(['XDG_DOWNLOAD_DIR="$HOME/FromFile"'])
    expect(downloadsFolder({ HOME: home, XDG_DOWNLOAD_DIR: '/env/dl' }, 'linux')).toBe('/env/dl')
    expect(downloadsFolder({ HOME: home }, 'darwin')).toBe(join(home, 'Downloads'))
  })
})
