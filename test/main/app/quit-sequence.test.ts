import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { QuitSequence } from '../../../src/main/app/quit-sequence.ts'
import { fakeLog } from './fake-log.ts'

type Options = ConstructorParameters<typeof QuitSequence>[0]

function setUp(stop: () => Promise<void>) {
  const app = Object.assign(new EventEmitter(), { quits: 0, quit: () => void (app.quits += 1) })
  const timers: (() => void)[] = []
  const log = fakeLog()
  const sequence = new QuitSequence({
    app: app as unknown as Options['app'],
    stop,
    log,
    setTimer: (run) => void timers.push(run),
  })
  const willQuit = () => {
    let prevented = false
    app.emit('will-quit', { preventDefault: () => (prevented = true) })
    return prevented
  }
  return { app, sequence, willQuit, timers, log }
}

describe('QuitSequence', () => {
  it('marks the app as quitting before windows close', () => {
    const { app, sequence } = setUp(async () => undefined)
    expect(sequence.isQuitting()).toBe(false)
    app.emit('before-quit')
    expect(sequence.isQuitting()).toBe(true)
  })

  it('holds the quit until the engine has stopped, then quits for real', async () => {
    let stopped!: () => void
    const { app, willQuit } = setUp(() => new Promise<void>((resolve) => (stopped = resolve)))
    expect(willQuit()).toBe(true)
    expect(willQuit()).toBe(true)
    expect(app.quits).toBe(0)
    stopped()
    await Promise.resolve()
    await Promise.resolve()
    expect(app.quits).toBe(1)
    expect(willQuit()).toBe(false)
  })

  it('quits anyway when stopping hangs or fails', async () => {
    const hung = setUp(() => new Promise<void>(() => undefined))
    hung.willQuit()
    hung.timers[0]!()
    expect(hung.app.quits).toBe(1)
    expect(hung.log.records[0]!.level).toBe('warn')

    const failing = setUp(async () => {
      throw new Error('queue.db locked')
    })
    failing.willQuit()
    await new Promise((resolve) => setImmediate(resolve))
    expect(failing.app.quits).toBe(1)
    failing.timers[0]!()
    expect(failing.app.quits).toBe(1)
  })
})
