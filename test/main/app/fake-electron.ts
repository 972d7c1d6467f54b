// Just enough of Electron's main-process modules for desktop-shell.ts to start, record what it
// does, and let a test play the parts of the OS, the window and the user.
import { EventEmitter } from 'node:events'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { ElectronModules } from '../../../src/main/app/shell-inputs.ts'

type Handler = (event: unknown, ...args: unknown[]) => Promise<unknown>

type Rectangle = { x: number; y: number; width: number; height: number }

export class FakeWindow extends EventEmitter {
  static created: FakeWindow[] = []
  readonly options: Partial<Rectangle> & { webPreferences?: { preload?: string } }
  readonly sent: [string, unknown][] = []
  /** Its own emitter: did-fail-load and render-process-gone are webContents events. */
  readonly webContents = Object.assign(new EventEmitter(), {
    id: FakeWindow.created.length + 1,
    send: (channel: string, payload: unknown) => void this.sent.push([channel, payload]),
    isDestroyed: () => this.destroyed,
    getURL: () => this.loaded.at(-1) ?? '',
    isLoading: () => this.loading,
  })
  visible = false
  destroyed = false
  maximized = false
  /** Set false to play a load that has ended (failed or not) without a paint. */
  loading = true
  loaded: string[] = []
  bounds: Rectangle
  constructor(options: FakeWindow['options']) {
    super()
    this.options = options
    this.bounds = {
      x: options.x ?? 100,
      y: options.y ?? 100,
      width: options.width ?? 800,
      height: options.height ?? 600,
    }
    FakeWindow.created.push(this)
  }
  show() {
    this.visible = true
  }
  maximize() {
    this.maximized = true
  }
  isMaximized() {
    return this.maximized
  }
  getNormalBounds() {
    return { ...this.bounds }
  }
  hide() {
    this.visible = false
  }
  focus() {}
  restore() {}
  isMinimized() {
    return false
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

export class FakeTray extends EventEmitter {
  static created: FakeTray[] = []
  images: string[] = []
  tooltip = ''
  menu: { label?: string; click?: () => void }[] = []
  balloons: { title: string; content: string }[] = []
  destroyed = false
  constructor(image: { file: string }) {
    super()
    this.images.push(image.file)
    FakeTray.created.push(this)
  }
  setImage(image: { file: string }) {
    this.images.push(image.file)
  }
  setToolTip(text: string) {
    this.tooltip = text
  }
  /** Windows only in Electron; recorded on every platform here. */
  displayBalloon(options: { title: string; content: string }) {
    this.balloons.push(options)
  }
  setContextMenu(menu: FakeTray['menu']) {
    this.menu = menu
  }
  destroy() {
    this.destroyed = true
  }
  isDestroyed() {
    return this.destroyed
  }
}

export class FakeNotification extends EventEmitter {
  static shown: { title?: string; body?: string }[] = []
  /**
   * Set to make every notification report `failed` with this error after show(), as Electron 42+
   * does for an unsigned macOS app; null (the default) shows them.
   */
  static failWith: string | null = null
  static isSupported() {
    return true
  }
  readonly options: { title?: string; body?: string }
  constructor(options: { title?: string; body?: string }) {
    super()
    this.options = options
  }
  show() {
    const error = FakeNotification.failWith
    if (error === null) FakeNotification.shown.push(this.options)
    // Asynchronously, as the OS answers later.
    else setImmediate(() => this.emit('failed', {}, error))
  }
}

/**
 * Electron's net.fetch for file: URLs as it behaves: the file's bytes, or a rejection (never a
 * 404 response) when the file is missing. Other URLs go to Node's fetch.
 */
export async function fakeNetFetch(input: string | Request): Promise<Response> {
  const url = typeof input === 'string' ? input : input.url
  if (!url.startsWith('file:')) return fetch(input)
  try {
    return new Response(await readFile(fileURLToPath(url)))
  } catch (cause) {
    throw new TypeError('net::ERR_FILE_NOT_FOUND', { cause })
  }
}

/** One 1920x1080 display with a 40-pixel panel, unless a test gives others. */
export const DEFAULT_DISPLAYS = [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }]

export interface FakeElectronOptions {
  /** The folder the app's shared home (userData) is made in. */
  appData: string
  singleInstance?: boolean
  platform?: NodeJS.Platform
  /**
   * Linux: whether the app has a .desktop entry. Without one Electron's
   * setAsDefaultProtocolClient (xdg-settings) fails and returns false, as for `npm start`.
   */
  desktopEntry?: boolean
  displays?: { workArea: Rectangle }[]
  /**
   * What Chromium would say is the system proxy for a URL, in PAC form ("PROXY host:port",
   * "DIRECT"); default DIRECT.
   */
  resolveProxy?: (url: string) => string
  /** Become ready by itself just after the first whenReady() (a whole process, the smoke test). */
  readyOnRequest?: boolean
}

export function fakeElectron(options: FakeElectronOptions) {
  const paths = new Map([['appData', options.appData]])
  const platform = options.platform ?? 'linux'
  const displays = options.displays ?? DEFAULT_DISPLAYS
  FakeWindow.created = []
  FakeTray.created = []
  FakeNotification.shown = []
  FakeNotification.failWith = null
  let becomeReady!: () => void
  const whenReady = new Promise<void>((resolve) => (becomeReady = resolve))
  const calls: unknown[][] = []
  const record =
    (name: string, result?: unknown) =>
    (...args: unknown[]) => {
      calls.push([name, ...args])
      return result
    }
  const app = Object.assign(new EventEmitter(), {
    isPackaged: true,
    enableSandbox: record('enableSandbox'),
    requestSingleInstanceLock: record('requestSingleInstanceLock', options.singleInstance ?? true),
    quit: record('quit'),
    exit: record('exit'),
    setAppUserModelId: record('setAppUserModelId'),
    setAsDefaultProtocolClient: record(
      'setAsDefaultProtocolClient',
      platform !== 'linux' || options.desktopEntry === true,
    ),
    setLoginItemSettings: record('setLoginItemSettings'),
    getLoginItemSettings: () => ({ wasOpenedAtLogin: false }),
    getPath: (name: string) => paths.get(name) ?? '/nowhere',
    setPath: (name: string, value: string) => void paths.set(name, value),
    getAppPath: () => '/repo',
    getVersion: () => '0.1.0',
    whenReady: () => {
      if (options.readyOnRequest) setImmediate(becomeReady)
      return whenReady
    },
  })
  const handlers = new Map<string, Handler>()
  const modules = {
    app,
    BrowserWindow: FakeWindow,
    Tray: FakeTray,
    Notification: FakeNotification,
    Menu: {
      buildFromTemplate: (template: unknown) => template,
      setApplicationMenu: record('setApplicationMenu'),
    },
    nativeImage: {
      createFromPath: (file: string) => ({ file, setTemplateImage: () => undefined }),
    },
    clipboard: { writeText: record('clipboard.writeText') },
    dialog: {
      showOpenDialog: async () => ({ canceled: false, filePaths: ['/picked'] }),
      showErrorBox: record('showErrorBox'),
      showMessageBox: record(
        'showMessageBox',
        Promise.resolve({ response: 0, checkboxChecked: false }),
      ),
    },
    ipcMain: {
      // electron-store listens for its renderer API on construction.
      on: record('ipcMain.on'),
      handle: (channel: string, handler: Handler) => void handlers.set(channel, handler),
      removeHandler: (channel: string) => void handlers.delete(channel),
    },
    net: { fetch: fakeNetFetch },
    session: {
      defaultSession: {
        resolveProxy: async (url: string) => {
          calls.push(['resolveProxy', url])
          return options.resolveProxy?.(url) ?? 'DIRECT'
        },
      },
    },
    screen: {
      getAllDisplays: () => displays,
      getPrimaryDisplay: () => displays[0]!,
    },
    protocol: {
      registerSchemesAsPrivileged: record('registerSchemesAsPrivileged'),
      handle: record('protocol.handle'),
    },
    shell: {
      openExternal: record('openExternal', Promise.resolve()),
      openPath: record('openPath', Promise.resolve('')),
    },
  }
  return {
    modules: modules as unknown as ElectronModules,
    app,
    calls,
    handlers,
    becomeReady,
    named: (name: string) => calls.filter((call) => call[0] === name).map((call) => call.slice(1)),
  }
}
