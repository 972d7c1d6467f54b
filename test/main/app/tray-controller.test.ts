import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import {
  TrayController,
  type TrayControllerOptions,
} from '../../../src/main/app/tray-controller.ts'
import type { TrayActions } from '../../../src/main/app/tray-menu.ts'
import { initialTrayState } from '../../../src/main/app/tray-state.ts'
import { job, status } from './tray-fixtures.ts'

type NativeImage = Parameters<TrayControllerOptions['createTray']>[0]
type MenuItemConstructorOptions = Parameters<
  TrayControllerOptions['menu']['buildFromTemplate']
>[0][number]

class FakeTray extends EventEmitter {
  images: string[] = []
  tooltips: string[] = []
  menus: MenuItemConstructorOptions[][] = []
  destroyed = false
  constructor(image: NativeImage) {
    super()
    this.images.push((image as unknown as FakeImage).file)
  }
  setImage(image: NativeImage) {
    this.images.push((image as unknown as FakeImage).file)
  }
  setToolTip(text: string) {
    this.tooltips.push(text)
  }
  setContextMenu(menu: unknown) {
    this.menus.push(menu as MenuItemConstructorOptions[])
  }
  destroy() {
    this.destroyed = true
  }
  isDestroyed() {
    return this.destroyed
  }
}

type FakeImage = { file: string; template: boolean; setTemplateImage(on: boolean): void }

function setUp(platform: NodeJS.Platform, state = initialTrayState(status(), [])) {
  let tray: FakeTray | undefined
  const calls: string[] = []
  const dropped: string[][] = []
  const images: FakeImage[] = []
  const actions = Object.fromEntries(
    ['scanNow', 'pause', 'resume', 'openWindow', 'openBackupsFolder', 'setUploadLimit', 'quit'].map(
      (name) => [
        name,
        (...args: unknown[]) => calls.push(args.length ? `${name}(${args.join()})` : name),
      ],
    ),
  ) as unknown as TrayActions
  const options: TrayControllerOptions = {
    createTray: (image) => (tray = new FakeTray(image)) as never,
    // The built "menu" is the template itself, so tests can read it.
    menu: { buildFromTemplate: (template) => template as never },
    createImage: (file) => {
      const image: FakeImage = {
        file,
        template: false,
        setTemplateImage(on) {
          this.template = on
        },
      }
      images.push(image)
      return image as never
    },
    platform,
    iconDir: '/res/tray',
    actions,
    onDropFiles: (paths) => dropped.push(paths),
  }
  const controller = new TrayController(options, state)
  return { controller, tray: tray!, calls, dropped, images }
}

describe('TrayController', () => {
  it('starts with the icon, tooltip and menu of the current state', () => {
    const { tray } = setUp('linux')
    expect(tray.images).toEqual(['/res/tray/tray-idle.png'])
    expect(tray.tooltips).toEqual([
      'Fermentrack Backup Companion\nUp to date, watching for new backups',
    ])
    expect(tray.menus).toHaveLength(1)
  })

  it('changes the icon with the state, using template images on macOS', () => {
    const { controller, tray, images } = setUp('darwin')
    controller.update(
      'status.changed',
      status({ tray: 'error', lastError: { code: 'network', message: 'offline' } }),
    )
    controller.update('status.changed', status({ tray: 'paused', paused: ['*'] }))
    expect(tray.images).toEqual([
      '/res/tray/tray-idleTemplate.png',
      '/res/tray/tray-errorTemplate.png',
      '/res/tray/tray-pausedTemplate.png',
    ])
    expect(images.every((image) => image.template)).toBe(true)
  })

  it('rebuilds the menu only when what it shows changes', () => {
    const { controller, tray } = setUp(
      'linux',
      initialTrayState(status({ tray: 'uploading' }), [job()]),
    )
    const progress = (bytesDone: number) =>
      controller.update('uploads.progress', {
        jobId: 1,
        bytesDone,
        size: 1000,
        bytesPerSecond: 1,
        etaSeconds: 1,
      })
    progress(101)
    progress(105)
    progress(109)
    expect(tray.menus).toHaveLength(2)
    progress(110)
    expect(tray.menus).toHaveLength(3)
    expect(tray.menus.at(-1)![1]!.label).toBe('backup-2026-11-20.tar.xz: 11%')
    controller.update('connections.changed', [])
    expect(tray.menus).toHaveLength(3)
  })

  it('rebuilds the menu when the saved upload limit changes, with the new rate checked', () => {
    const { controller, tray, calls } = setUp('linux')
    const checked = () => {
      const limit = tray.menus.at(-1)!.find((item) => item.label === 'Limit upload speed')!
      const items = limit.submenu as MenuItemConstructorOptions[]
      return items.filter((item) => item.checked).map((item) => item.label)
    }
    expect(checked()).toEqual(['Unlimited'])
    const limit = tray.menus.at(-1)!.find((item) => item.label === 'Limit upload speed')!
    const fiveMb = (limit.submenu as MenuItemConstructorOptions[]).find(
      (item) => item.label === '5 MB/s',
    )!
    ;(fiveMb.click as () => void)()
    expect(calls).toEqual(['setUploadLimit(5242880)'])
    // The save comes back as settings.changed, as the companion sends it.
    controller.update('settings.changed', { bandwidthLimit: 5 * 1024 * 1024 })
    expect(tray.menus).toHaveLength(2)
    expect(checked()).toEqual(['5 MB/s'])
  })

  it('opens the window on click outside macOS, where a click opens the menu instead', () => {
    const linux = setUp('linux')
    linux.tray.emit('click')
    expect(linux.calls).toEqual(['openWindow'])
    const mac = setUp('darwin')
    mac.tray.emit('click')
    expect(mac.calls).toEqual([])
  })

  it('hands files dropped on the icon over for upload', () => {
    const { tray, dropped } = setUp('darwin')
    tray.emit('drop-files', {}, ['/Users/brewer/Downloads/a.tar.xz', '/Users/brewer/b.tar.xz'])
    expect(dropped).toEqual([['/Users/brewer/Downloads/a.tar.xz', '/Users/brewer/b.tar.xz']])
  })

  it('destroys the icon once', () => {
    const { controller, tray } = setUp('win32')
    controller.destroy()
    controller.destroy()
    expect(tray.destroyed).toBe(true)
  })
})
