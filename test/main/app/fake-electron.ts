// Just enough of Electron's main-process modules for desktop-shell.ts to start, record what it
// does, and let a test play the parts of the OS, the window and the user.
import { EventEmitter } from 'node:events'
import type { ElectronModules } from '../../../src/main/app/shell-inputs.ts'

type Handler = (event: unknown, ...args: unknown[]) => Promise<unknown>

export class FakeWindow extends EventEmitter {
  static created: FakeWindow[] = []
  readonly options: unknown
  readonly sent: [string, unknown][] = []
  readonly webContents = {
    id: FakeWindow.created.length + 1,
    send: (channel: string, payload: unknown) => void this.sent.push([channel, payload]),
    isDestroyed: () => this.destroyed,
  }
  visible = false
  destroyed = false
  loaded: string[] = []
  constructor(options: unknown) {
    super()
    this.options = options
    FakeWindow.created.push(this)
  }
  show() {
    this.visible = true
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
  static isSupported() {
    return true
  }
  readonly options: { title?: string; body?: string }
  constructor(options: { title?: string; body?: string }) {
    super()
    this.options = options
  }
  show() {
    FakeNotification.shown.push(this.options)
  }
}

/** `appData` is the folder the app's shared home (userData) is made in. */
/**
 * `resolveProxy`: what Chromium would say is the system proxy for a URL, in PAC form
 * ("PROXY host:port", "DIRECT"); default DIRECT.
 */
export function fakeElectron(options: {
  appData: string
  singleInstance?: boolean
  resolveProxy?: (url: string) => string
}) {
  const paths = new Map([['appData', options.appData]])
  FakeWindow.created = []
  FakeTray.created = []
  FakeNotification.shown = []
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
    setAsDefaultProtocolClient: record('setAsDefaultProtocolClient', true),
    setLoginItemSettings: record('setLoginItemSettings'),
    getLoginItemSettings: () => ({ wasOpenedAtLogin: false }),
    getPath: (name: string) => paths.get(name) ?? '/nowhere',
    setPath: (name: string, value: string) => void paths.set(name, value),
    getAppPath: () => '/repo',
    whenReady: () => whenReady,
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
    },
    ipcMain: {
      handle: (channel: string, handler: Handler) => void handlers.set(channel, handler),
      removeHandler: (channel: string) => void handlers.delete(channel),
    },
    net: { fetch: async () => new Response('') },
    session: {
      defaultSession: {
        resolveProxy: async (url: string) => {
          calls.push(['resolveProxy', url])
          return options.resolveProxy?.(url) ?? 'DIRECT'
        },
      },
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
