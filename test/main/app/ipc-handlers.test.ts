import { EventEmitter } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CompanionService } from '../../../src/main/companion/companion-service.ts'
import { IPC_PREFIX, commands } from '../../../src/shared/ipc-contract.ts'
import {
  UNTRUSTED_SENDER_MESSAGE,
  forwardEvents,
  isTrustedSender,
  registerIpcHandlers,
} from '../../../src/main/app/ipc-handlers.ts'
import { startCompanion } from '../../support/companion-fixture.ts'
import { fakeLog } from './fake-log.ts'

type Options = Parameters<typeof registerIpcHandlers>[0]
type Handler = (event: unknown, ...args: unknown[]) => Promise<unknown>

const APP_ORIGIN = 'app://companion'

// What Electron hands a handler: the sending webContents and the frame the call came from.
const ourContents = { id: 1 }
const otherContents = { id: 2 }
const fromApp = { sender: ourContents, senderFrame: { url: 'app://companion/index.html#/uploads' } }

function fakeIpcMain() {
  const handlers = new Map<string, Handler>()
  return {
    handlers,
    handle: (channel: string, handler: Handler) => void handlers.set(channel, handler),
    removeHandler: (channel: string) => void handlers.delete(channel),
  }
}

let home: string
let service: CompanionService
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'ftb-ipc-'))
  ;({ service } = await startCompanion(
    { FTB_HOME: home },
    { chooseFolder: async () => '/chosen', start: false },
  ))
})
afterEach(async () => {
  await service.stop()
  await rm(home, { recursive: true, force: true })
})

function setUp() {
  const ipcMain = fakeIpcMain()
  const invoked: string[] = []
  const spy = {
    invoke: ((command: string, input: unknown) => {
      invoked.push(command)
      return service.invoke(command as never, input)
    }) as Options['companion']['invoke'],
  }
  const log = fakeLog()
  const dispose = registerIpcHandlers({
    ipcMain: ipcMain as unknown as Options['ipcMain'],
    companion: spy,
    appOrigin: APP_ORIGIN,
    trustedContents: () => ourContents as never,
    log,
  })
  const call = (name: string, event: unknown, ...args: unknown[]) =>
    ipcMain.handlers.get(IPC_PREFIX + name)!(event, ...args)
  return { ipcMain, invoked, log, dispose, call }
}

describe('registerIpcHandlers', () => {
  it('registers one handler per contract command, and removes them all', () => {
    const { ipcMain, dispose } = setUp()
    expect([...ipcMain.handlers.keys()].sort()).toEqual(
      Object.keys(commands)
        .map((name) => IPC_PREFIX + name)
        .sort(),
    )
    dispose()
    expect(ipcMain.handlers.size).toBe(0)
  })

  it('runs a command from the app window through the companion service', async () => {
    const { call } = setUp()
    expect(await call('dialog.chooseFolder', fromApp)).toEqual({ ok: true, value: '/chosen' })
    expect(await call('settings.update', fromApp, { remoteFolder: '/Brewery' })).toMatchObject({
      ok: true,
      value: { remoteFolder: '/Brewery' },
    })
  })

  it.each([
    ['another webContents', { ...fromApp, sender: otherContents }],
    ['a page on another origin', { ...fromApp, senderFrame: { url: 'https://evil.example/' } }],
    ['a look-alike origin', { ...fromApp, senderFrame: { url: 'app://companion.evil/x' } }],
    ['a file page', { ...fromApp, senderFrame: { url: 'file:///tmp/index.html' } }],
    ['a frame that is gone', { ...fromApp, senderFrame: null }],
  ])('refuses %s without calling the service', async (_what, event) => {
    const { call, invoked, log } = setUp()
    const result = await call('settings.update', event, { remoteFolder: '/Hijacked' })
    expect(result).toEqual({
      ok: false,
      error: { code: 'invalid_request', message: UNTRUSTED_SENDER_MESSAGE },
    })
    expect(invoked).toEqual([])
    const settings = await service.invoke('settings.get', undefined)
    expect(settings).toMatchObject({ ok: true, value: { remoteFolder: '/Fermentrack Backups' } })
    // Logged by command name only, never with the input.
    expect(log.records).toEqual([
      { level: 'warn', message: expect.any(String), fields: { command: 'settings.update' } },
    ])
  })

  it('refuses everything while there is no window', async () => {
    const ipcMain = fakeIpcMain()
    registerIpcHandlers({
      ipcMain: ipcMain as unknown as Options['ipcMain'],
      companion: service,
      appOrigin: APP_ORIGIN,
      trustedContents: () => undefined,
      log: fakeLog(),
    })
    const result = await ipcMain.handlers.get(IPC_PREFIX + 'status.get')!(fromApp)
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_request' } })
  })

  it('answers bad input with an error from the contract, not a stack', async () => {
    const { call } = setUp()
    for (const [name, input] of [
      ['uploads.retry', { jobId: 'one' }],
      ['settings.update', { concurrency: 99 }],
      ['uploads.enqueue', { paths: [] }],
      ['status.get', { unexpected: true }],
      ['app.openExternal', { url: 'not a url' }],
    ] as const) {
      const result = await call(name, fromApp, input)
      expect(result).toEqual({
        ok: false,
        error: {
          code: name === 'settings.update' ? 'invalid_setting' : 'invalid_request',
          message: expect.stringContaining(`Invalid input for ${name}`),
        },
      })
      expect(JSON.stringify(result)).not.toMatch(/\n\s+at /)
    }
  })

  it('sets a folder only from the picker, or typed when it exists outside FTB_HOME', async () => {
    const { call } = setUp()
    const CHOSEN = {
      sources: [
        { id: 'ferm', label: 'Ferm', folder: '/chosen', remoteSubfolder: null, destinations: null },
      ],
    }
    expect(await call('settings.update', fromApp, CHOSEN)).toMatchObject({
      ok: false,
      error: { code: 'invalid_setting', message: expect.stringContaining('does not exist') },
    })
    expect(await call('dialog.chooseFolder', fromApp)).toEqual({ ok: true, value: '/chosen' })
    expect(await call('settings.update', fromApp, CHOSEN)).toMatchObject({
      ok: true,
      value: CHOSEN,
    })
    const refused = await call('settings.update', fromApp, { localDestination: home })
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'invalid_setting', message: expect.stringContaining('data folder') },
    })
    expect(await service.invoke('settings.get', undefined)).toMatchObject({
      ok: true,
      value: { ...CHOSEN, localDestination: null },
    })
  })

  it('passes only the first argument as the input', async () => {
    const { call } = setUp()
    expect(await call('status.get', fromApp)).toMatchObject({ ok: true })
    const update = await call('settings.update', fromApp, { remoteFolder: '/A' }, { evil: 1 })
    expect(update).toMatchObject({ ok: true, value: { remoteFolder: '/A' } })
  })

  it('turns a service that throws into an error without a stack', async () => {
    const ipcMain = fakeIpcMain()
    registerIpcHandlers({
      ipcMain: ipcMain as unknown as Options['ipcMain'],
      companion: {
        invoke: async () => {
          throw new Error('secret token abc at /home/brewer/x.ts:1')
        },
      },
      appOrigin: APP_ORIGIN,
      trustedContents: () => ourContents as never,
      log: fakeLog(),
    })
    const result = await ipcMain.handlers.get(IPC_PREFIX + 'status.get')!(fromApp)
    expect(result).toMatchObject({ ok: false, error: { code: 'provider_error' } })
    expect(JSON.stringify(result)).not.toContain('secret')
  })
})

describe('isTrustedSender', () => {
  it('trusts the app origin in development too', () => {
    const dev = { sender: ourContents, senderFrame: { url: 'http://localhost:5173/' } }
    expect(isTrustedSender(dev as never, ourContents as never, 'http://localhost:5173')).toBe(true)
    expect(isTrustedSender(dev as never, ourContents as never, APP_ORIGIN)).toBe(false)
  })
})

describe('forwardEvents', () => {
  it('sends each companion event to the window on its contract channel', async () => {
    const sent: [string, unknown][] = []
    const contents = {
      send: (channel: string, payload: unknown) => sent.push([channel, payload]),
      isDestroyed: () => false,
    }
    const stop = forwardEvents(service, () => contents)
    await service.invoke('settings.update', { remoteFolder: '/Events' })
    expect(sent).toContainEqual([
      IPC_PREFIX + 'settings.changed',
      expect.objectContaining({ remoteFolder: '/Events' }),
    ])
    stop()
    const count = sent.length
    await service.invoke('settings.update', { remoteFolder: '/Later' })
    expect(sent).toHaveLength(count)
  })

  it('drops events while there is no window, or it is gone', () => {
    const emitter = new EventEmitter()
    const sent: string[] = []
    const window: { contents?: { send: (c: string) => void; isDestroyed: () => boolean } } = {}
    forwardEvents(emitter as never, () => window.contents)
    emitter.emit('event', 'status.changed', {})
    window.contents = { send: (c) => sent.push(c), isDestroyed: () => true }
    emitter.emit('event', 'status.changed', {})
    expect(sent).toEqual([])
  })
})
