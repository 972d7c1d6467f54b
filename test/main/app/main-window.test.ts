import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { MainWindow, mainWindowOptions } from '../../../src/main/app/main-window.ts'

class FakeWindow extends EventEmitter {
  visible = false
  destroyed = false
  minimized = false
  loaded: string[] = []
  calls: string[] = []
  webContents = { id: 1 }
  show() {
    this.visible = true
    this.calls.push('show')
  }
  hide() {
    this.visible = false
    this.calls.push('hide')
  }
  focus() {
    this.calls.push('focus')
  }
  restore() {
    this.minimized = false
    this.calls.push('restore')
  }
  isMinimized() {
    return this.minimized
  }
  isDestroyed() {
    return this.destroyed
  }
  isVisible() {
    return this.visible
  }
  async loadURL(url: string) {
    this.loaded.push(url)
  }
}

function setUp() {
  const windows: FakeWindow[] = []
  const created: unknown[] = []
  let quitting = false
  let sessionEnded = false
  const main = new MainWindow({
    create: (options) => {
      created.push(options)
      const window = new FakeWindow()
      windows.push(window)
      return window as never
    },
    preload: '/app/out/preload/index.cjs',
    url: 'app://companion/index.html',
    isQuitting: () => quitting,
    onSessionEnd: () => void (sessionEnded = true),
  })
  const close = (window: FakeWindow) => {
    let prevented = false
    window.emit('close', { preventDefault: () => (prevented = true) })
    return prevented
  }
  return {
    main,
    windows,
    created,
    close,
    quit: () => (quitting = true),
    sessionEnded: () => sessionEnded,
  }
}

describe('mainWindowOptions', () => {
  it('keeps the security checklist: isolated, sandboxed, no Node, web security, no webviews', () => {
    expect(mainWindowOptions('/p.cjs').webPreferences).toEqual({
      preload: '/p.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
    })
    expect(mainWindowOptions('/p.cjs').show).toBe(false)
  })
})

describe('MainWindow', () => {
  it('creates no window until asked (a login start stays in the tray)', () => {
    const { main, windows } = setUp()
    expect(windows).toEqual([])
    expect(main.contents()).toBeUndefined()
  })

  it('creates the window on first show, loads the app and shows it once painted', () => {
    const { main, windows, created } = setUp()
    main.show()
    const [window] = windows
    expect(created).toEqual([mainWindowOptions('/app/out/preload/index.cjs')])
    expect(window!.loaded).toEqual(['app://companion/index.html'])
    expect(window!.visible).toBe(false)
    window!.emit('ready-to-show')
    expect(window!.visible).toBe(true)
    expect(main.contents()).toBe(window!.webContents)
  })

  it('hides to the tray on close, and shows the same window again', () => {
    const { main, windows, close } = setUp()
    main.show()
    const window = windows[0]!
    window.emit('ready-to-show')
    expect(close(window)).toBe(true)
    expect(window.visible).toBe(false)
    expect(main.visibleWindow()).toBeUndefined()
    window.minimized = true
    main.show()
    expect(windows).toHaveLength(1)
    expect(window.calls.slice(-3)).toEqual(['restore', 'show', 'focus'])
  })

  it('really closes when quitting or when Windows ends the session', () => {
    const { main, windows, close, quit, sessionEnded } = setUp()
    main.show()
    const window = windows[0]!
    window.emit('session-end')
    expect(sessionEnded()).toBe(true)
    quit()
    expect(close(window)).toBe(false)
    window.destroyed = true
    expect(main.contents()).toBeUndefined()
    main.show()
    expect(windows).toHaveLength(2)
  })
})
