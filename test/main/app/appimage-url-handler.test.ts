import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  installAppImageUrlHandler,
  urlHandlerFile,
} from '../../../src/main/app/appimage-url-handler.ts'
import { fakeLog } from './fake-log.ts'

let home: string
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'ftb-appimage-'))
})
afterEach(async () => {
  await rm(home, { recursive: true, force: true })
})

function setUp(env: NodeJS.ProcessEnv, fail = false) {
  const ran: string[][] = []
  const log = fakeLog()
  const install = () =>
    installAppImageUrlHandler({
      env,
      home,
      log,
      run: async (command, args) => {
        ran.push([command, ...args])
        if (fail) throw new Error(`${command}: not found`)
      },
    })
  return { install, ran, log }
}

describe('installAppImageUrlHandler', () => {
  it('does nothing outside an AppImage', async () => {
    const { install, ran } = setUp({})
    expect(await install()).toBeNull()
    expect(ran).toEqual([])
  })

  it('writes a handler entry for the scheme that runs the image, and makes it the default', async () => {
    const { install, ran } = setUp({ APPIMAGE: '/home/brewer/Apps/Fermentrack Backup.AppImage' })
    const file = await install()
    expect(file).toBe(
      path.join(
        home,
        '.local',
        'share',
        'applications',
        'fermentrack-backup-companion-url-handler.desktop',
      ),
    )
    const text = await readFile(file!, 'utf8')
    expect(text).toContain('\nExec="/home/brewer/Apps/Fermentrack Backup.AppImage" %U\n')
    expect(text).toContain('\nMimeType=x-scheme-handler/fermentrack-backup;\n')
    expect(text).toContain('\nNoDisplay=true\n')
    expect(ran).toEqual([
      [
        'xdg-mime',
        'default',
        'fermentrack-backup-companion-url-handler.desktop',
        'x-scheme-handler/fermentrack-backup',
      ],
      ['update-desktop-database', path.dirname(file!)],
    ])
  })

  it('leaves an up-to-date entry alone and rewrites it when the image moves', async () => {
    const first = setUp({ APPIMAGE: '/a/FBC.AppImage' })
    await first.install()
    expect(await first.install()).toBeNull()
    expect(first.ran).toHaveLength(2)
    const moved = setUp({ APPIMAGE: '/b/FBC.AppImage' })
    const file = await moved.install()
    expect(await readFile(file!, 'utf8')).toContain('Exec="/b/FBC.AppImage" %U')
  })

  it('honours an absolute XDG_DATA_HOME', async () => {
    const dataHome = path.join(home, 'data')
    expect(urlHandlerFile({ XDG_DATA_HOME: dataHome }, home)).toBe(
      path.join(dataHome, 'applications', 'fermentrack-backup-companion-url-handler.desktop'),
    )
    expect(urlHandlerFile({ XDG_DATA_HOME: 'rel' }, home)).toContain('.local/share/applications')
  })

  it('keeps the entry when the desktop helpers are missing, and says so in the log', async () => {
    const { install, log } = setUp({ APPIMAGE: '/a/FBC.AppImage' }, true)
    expect(await install()).not.toBeNull()
    expect(log.records.filter((r) => r.level === 'warn')).toHaveLength(2)
  })
})
