import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import {
  MainWindow,
  SHOW_TIMEOUT_MS,
  mainWindowOptions,
} from '../../../src/main/app/main-window.ts'
import type { WindowPlacement } from '../../../src/main/app/window-placement.ts'
import { DEFAULT_DISPLAYS } from './fake-electron.ts'
import { fakeLog } from './fake-log.ts'

class FakeWindow extends EventEmitter {
  visible = false
  destroyed = false
  minimized = false
  maximized = false
  loading = true
  loaded: string[] = []
  calls: string[] = []
  bounds = { x: 0, y: 0, width: 960, height: 680 }
  webContents = Object.assign(new EventEmitter(), {
    id: 1,
    getURL: () => this.loaded.at(-1) ?? '',
    isLoading: () => this.loading,
  })
  maximize() {
    this.maximized = true
    this.calls.push('maximize')
  }
  isMaximized() {
    return this.maximized
  }
  getNormalBounds() {
    return { ...this.bounds }
  }
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

function setUp(saved?: WindowPlacement) {
  const windows: FakeWindow[] = []
  const created: Record<string, unknown>[] = []
  const placements: WindowPlacement[] = []
  const timers: { run: () => void; ms: number; cleared: boolean }[] = []
  const log = fakeLog()
  let quitting = false
  let sessionEnded = false
  const main = new MainWindow({
    create: (options) => {
      created.push(options as Record<string, unknown>)
      const window = new FakeWindow()
      windows.push(window)
      return window as never
    },
    preload: '/app/out/preload/index.cjs',
    url: 'app://companion/index.html',
    isQuitting: () => quitting,
    onSessionEnd: () => void (sessionEnded = true),
    placement: { saved: () => saved, save: (placement) => void placements.push(placement) },
    workAreas: () => DEFAULT_DISPLAYS.map((display) => display.workArea),
    log,
    logFile: '/home/me/.config/fbc/logs/desktop.log',
    setTimer: (run, ms) => timers.push({ run, ms, cleared: false }) - 1,
    clearTimer: (index) => void (timers[index as number]!.cleared = true),
  })
  const close = (window: FakeWindow) => {
    let prevented = false
    window.emit('close', { preventDefault: () => (prevented = true) })
    return prevented
  }
  const runTimers = () => timers.filter((t) => !t.cleared).forEach((t) => t.run())
  return {
    main,
    windows,
    created,
    placements,
    timers,
    runTimers,
    log,
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
    expect(created[0]).not.toHaveProperty('x')
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

  it('reopens where it was, kept on the display, maximized again after the first paint', () => {
    // Half off the right edge (a second monitor gone since): moved fully on, size kept.
    const { main, windows, created, placements, close } = setUp({
      x: 1500,
      y: 300,
      width: 1000,
      height: 700,
      maximized: true,
    })
    main.show()
    expect(created[0]).toMatchObject({ x: 920, y: 300, width: 1000, height: 700 })
    const window = windows[0]!
    expect(window.maximized).toBe(false)
    window.emit('ready-to-show')
    expect(window.calls.slice(0, 2)).toEqual(['maximize', 'show'])
    window.bounds = { x: 40, y: 50, width: 800, height: 600 }
    window.maximized = false
    close(window)
    expect(placements).toEqual([{ x: 40, y: 50, width: 800, height: 600, maximized: false }])
  })

  it('logs a failed load with its URL and shows the error page pointing at the log', () => {
    const { main, windows, log } = setUp()
    main.show()
    const window = windows[0]!
    window.webContents.emit('did-fail-load', {}, -3, 'ERR_ABORTED', 'app://companion/', true)
    expect(log.records).toEqual([])
    window.webContents.emit(
      'did-fail-load',
      {},
      -6,
      'ERR_FILE_NOT_FOUND',
      'app://companion/index.html',
      true,
    )
    expect(log.records).toMatchObject([
      { level: 'warn', fields: { url: 'app://companion/index.html', code: -6 } },
    ])
    expect(window.visible).toBe(true)
    const page = decodeURIComponent(window.loaded[1]!)
    expect(page).toMatch(/^data:text\/html/)
    expect(page).toContain('ERR_FILE_NOT_FOUND')
    expect(page).toContain('/home/me/.config/fbc/logs/desktop.log')
    // The error page failing in turn is not retried (no loop).
    window.webContents.emit('did-fail-load', {}, -2, 'FAILED', window.loaded[1], true)
    expect(window.loaded).toHaveLength(2)
  })

  it('logs a renderer crash with the URL and shows why', () => {
    const { main, windows, log } = setUp()
    main.show()
    const window = windows[0]!
    window.emit('ready-to-show')
    window.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 11 })
    expect(log.records).toMatchObject([
      { level: 'error', fields: { url: 'app://companion/index.html', reason: 'crashed' } },
    ])
    expect(decodeURIComponent(window.loaded[1]!)).toContain('stopped working')
  })

  it('shows an unpainted window after the timeout: with the error page once the load ended', () => {
    const { main, windows, timers, runTimers, log } = setUp()
    main.show()
    const window = windows[0]!
    expect(timers.map((t) => t.ms)).toEqual([SHOW_TIMEOUT_MS])
    window.loading = false
    runTimers()
    expect(window.visible).toBe(true)
    expect(decodeURIComponent(window.loaded[1]!)).toContain('did not finish loading')
    expect(log.records.map((r) => r.message)).toEqual([
      'the window was not ready in time; showing it anyway',
    ])
  })

  it('shows a still-loading window after the timeout without replacing the page', () => {
    const { main, windows, runTimers } = setUp()
    main.show()
    runTimers()
    expect(windows[0]!.visible).toBe(true)
    expect(windows[0]!.loaded).toEqual(['app://companion/index.html'])
  })

  it('cancels the timeout once painted', () => {
    const { main, windows, timers } = setUp()
    main.show()
    windows[0]!.emit('ready-to-show')
    expect(timers[0]!.cleared).toBe(true)
  })
})
