import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { buildCompanionApi, type PreloadDeps } from '../../src/preload/companion-api.ts'
import { commands, events, IPC_PREFIX } from '../../src/shared/ipc-contract.ts'

// Stands in for ipcRenderer: records invokes, and delivers events with an Electron-like event object.
function fakeIpcRenderer() {
  const emitter = new EventEmitter()
  const invoked: unknown[][] = []
  return {
    emitter,
    invoked,
    ipcRenderer: {
      invoke: async (channel: string, ...args: unknown[]) => {
        invoked.push([channel, ...args])
        return { ok: true, value: channel }
      },
      on: (channel: string, listener: (...args: unknown[]) => void) => {
        emitter.on(channel, listener)
        return undefined as never
      },
      removeListener: (channel: string, listener: (...args: unknown[]) => void) => {
        emitter.removeListener(channel, listener)
        return undefined as never
      },
    },
  }
}

function setUp() {
  const ipc = fakeIpcRenderer()
  const files: unknown[] = []
  const api = buildCompanionApi({
    ipcRenderer: ipc.ipcRenderer as unknown as PreloadDeps['ipcRenderer'],
    webUtils: {
      getPathForFile: (file) => {
        files.push(file)
        return '/home/brewer/backup.tar.xz'
      },
    },
  })
  return { api, files, ...ipc }
}

describe('buildCompanionApi', () => {
  it('exposes exactly the contract commands, on, and pathForFile', () => {
    const { api } = setUp()
    expect(Object.keys(api).sort()).toEqual([...Object.keys(commands), 'on', 'pathForFile'].sort())
    expect(Object.isFrozen(api)).toBe(true)
    expect(api['uploads.scanNow'].name).toBe('uploads.scanNow')
  })

  it('invokes each command on its contract channel with at most one argument', async () => {
    const { api, invoked } = setUp()
    expect(await api['status.get']()).toEqual({ ok: true, value: IPC_PREFIX + 'status.get' })
    await api['uploads.retry']({ jobId: 3 })
    await (api['settings.update'] as (...args: unknown[]) => Promise<unknown>)(
      { concurrency: 2 },
      { smuggled: true },
    )
    expect(invoked).toEqual([
      [IPC_PREFIX + 'status.get'],
      [IPC_PREFIX + 'uploads.retry', { jobId: 3 }],
      [IPC_PREFIX + 'settings.update', { concurrency: 2 }],
    ])
  })

  it('subscribes to contract events with the payload only, and unsubscribes', () => {
    const { api, emitter } = setUp()
    const received: unknown[][] = []
    const off = api.on('status.changed', (...args) => received.push(args))
    const sender = { sender: 'ipcRenderer internals' }
    emitter.emit(IPC_PREFIX + 'status.changed', sender, { tray: 'idle' })
    off()
    off()
    emitter.emit(IPC_PREFIX + 'status.changed', sender, { tray: 'error' })
    expect(received).toEqual([[{ tray: 'idle' }]])
    expect(emitter.listenerCount(IPC_PREFIX + 'status.changed')).toBe(0)
  })

  it('accepts every contract event and refuses other names and non-functions', () => {
    const { api, emitter } = setUp()
    for (const name of Object.keys(events)) api.on(name as never, () => undefined)
    expect(emitter.eventNames().sort()).toEqual(
      Object.keys(events)
        .map((n) => IPC_PREFIX + n)
        .sort(),
    )
    expect(() => api.on('ELECTRON_BROWSER_REQUIRE' as never, () => undefined)).toThrow(/Unknown/)
    expect(() => api.on('__proto__' as never, () => undefined)).toThrow(/Unknown/)
    expect(() => api.on('status.changed', 'alert(1)' as never)).toThrow(/function/)
  })

  it('gives the path of a dropped file through webUtils', () => {
    const { api, files } = setUp()
    const file = new File(['x'], 'backup.tar.xz')
    expect(api.pathForFile(file)).toBe('/home/brewer/backup.tar.xz')
    expect(files).toEqual([file])
  })
})
