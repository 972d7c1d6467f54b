import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { autostartEntry, autostartFile } from '../../../src/main/app/autostart-entry.ts'
import { launchCommand } from '../../../src/main/app/launch-command.ts'
import { LoginItem, launchedHidden } from '../../../src/main/app/login-item.ts'
import { fakeLog } from './fake-log.ts'

let configHome: string
beforeEach(async () => {
  configHome = await mkdtemp(path.join(os.tmpdir(), 'ftb-xdg-'))
})
afterEach(async () => {
  await rm(configHome, { recursive: true, force: true })
})

function setUp(platform: NodeJS.Platform, command = ['/opt/Fermentrack Backup Companion/fbc']) {
  const settings: unknown[] = []
  const log = fakeLog()
  const item = new LoginItem({
    app: { setLoginItemSettings: (s) => void settings.push(s) },
    platform,
    env: { XDG_CONFIG_HOME: configHome },
    command,
    log,
  })
  return {
    item,
    settings,
    log,
    file: path.join(configHome, 'autostart', 'fermentrack-backup-companion.desktop'),
  }
}

describe('Linux autostart entry', () => {
  it('is written under XDG_CONFIG_HOME, starting the app hidden', async () => {
    const { item, file } = setUp('linux')
    await item.apply(true)
    const text = await readFile(file, 'utf8')
    expect(text).toBe(
      [
        '[Desktop Entry]',
        'Type=Application',
        'Name=Fermentrack Backup Companion',
        'Comment=Uploads new Fermentrack backups to your cloud storage',
        'Exec="/opt/Fermentrack Backup Companion/fbc" --hidden',
        'Icon=fermentrack-backup-companion',
        'Terminal=false',
        'X-GNOME-Autostart-enabled=true',
        '',
      ].join('\n'),
    )
    expect((await stat(file)).mode & 0o777).toBe(0o644)
  })

  it('is removed when start at login is turned off, and removing twice is fine', async () => {
    const { item, file } = setUp('linux')
    await item.apply(true)
    await item.apply(false)
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' })
    await setUp('linux').item.apply(false)
  })

  it('is left alone when the setting did not change', async () => {
    const { item, file } = setUp('linux')
    await item.apply(true)
    await writeFile(file, 'edited by hand')
    await item.apply(true)
    expect(await readFile(file, 'utf8')).toBe('edited by hand')
  })

  it('falls back to ~/.config when XDG_CONFIG_HOME is unset or relative', () => {
    const expected = path.join(
      '/home/brewer',
      '.config',
      'autostart',
      'fermentrack-backup-companion.desktop',
    )
    expect(autostartFile({}, '/home/brewer')).toBe(expected)
    expect(autostartFile({ XDG_CONFIG_HOME: 'relative/dir' }, '/home/brewer')).toBe(expected)
  })

  it('starts an AppImage through $APPIMAGE, and a dev run through Electron and the app folder', () => {
    const appImage = launchCommand({
      env: { APPIMAGE: '/home/brewer/Apps/FBC.AppImage' },
      execPath: '/tmp/.mount_FBCxyz/fbc',
      isPackaged: true,
      argv: [],
    })
    expect(autostartEntry(appImage)).toContain('\nExec="/home/brewer/Apps/FBC.AppImage" --hidden\n')
    const dev = launchCommand({
      env: {},
      execPath: '/repo/electron',
      isPackaged: false,
      argv: ['/repo/electron', '.'],
    })
    expect(dev).toEqual(['/repo/electron', path.resolve('.')])
  })

  it('logs a failure to write and tries again next time', async () => {
    // A file where the autostart folder should be.
    await writeFile(path.join(configHome, 'autostart'), '')
    const { item, log } = setUp('linux')
    await item.apply(true)
    expect(log.records.map((r) => r.level)).toEqual(['error'])
    await rm(path.join(configHome, 'autostart'))
    await mkdir(path.join(configHome, 'autostart'))
    await item.apply(true)
    expect(log.records.map((r) => r.level)).toEqual(['error', 'info'])
  })
})

describe('login items on macOS and Windows', () => {
  it('macOS: a login item; the launch tells it was at login', async () => {
    const { item, settings } = setUp('darwin')
    await item.apply(true)
    await item.apply(false)
    expect(settings).toEqual([
      { openAtLogin: true, args: ['--hidden'] },
      { openAtLogin: false, args: ['--hidden'] },
    ])
  })

  it('Windows: the executable with --hidden, arguments unquoted (Electron quotes them)', async () => {
    const packaged = setUp('win32', ['C:\\Program Files\\FBC\\FBC.exe'])
    await packaged.item.apply(true)
    expect(packaged.settings).toEqual([
      { openAtLogin: true, path: 'C:\\Program Files\\FBC\\FBC.exe', args: ['--hidden'] },
    ])
    const dev = setUp('win32', ['C:\\repo\\electron.exe', 'C:\\my repo'])
    await dev.item.apply(true)
    expect(dev.settings).toEqual([
      { openAtLogin: true, path: 'C:\\repo\\electron.exe', args: ['C:\\my repo', '--hidden'] },
    ])
  })
})

describe('launchedHidden', () => {
  const app = (wasOpenedAtLogin: boolean) => ({
    getLoginItemSettings: () => ({ wasOpenedAtLogin }) as never,
  })

  it('is true for --hidden anywhere in argv, or a macOS login launch', () => {
    expect(launchedHidden(['/opt/fbc', '--hidden'], 'linux', app(false))).toBe(true)
    expect(launchedHidden(['/opt/fbc'], 'linux', app(true))).toBe(false)
    expect(launchedHidden(['/Applications/FBC.app/Contents/MacOS/FBC'], 'darwin', app(true))).toBe(
      true,
    )
    expect(launchedHidden(['/Applications/FBC.app/Contents/MacOS/FBC'], 'darwin', app(false))).toBe(
      false,
    )
  })
})
