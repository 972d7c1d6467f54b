import { EventEmitter } from 'node:events'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AlertLedger } from '../../../src/main/app/alert-ledger.ts'
import type { NotificationLevel } from '../../../src/main/app/notifications.ts'
import { Notifier } from '../../../src/main/app/notifier.ts'
import { tempDir } from '../../support/cli-process.ts'
import { QUIET_FERMENTRACK, status } from './tray-fixtures.ts'

const QUIET = QUIET_FERMENTRACK

/** A notifier with a real ledger in a fresh home, its clock and gather timer in the test's hands. */
function setUp(level: NotificationLevel, file = join(tempDir('home'), 'health-alerts.json')) {
  let now = Date.UTC(2026, 11, 6, 8)
  const shown: { title?: string; body?: string }[] = []
  const timers: (() => void)[] = []
  const notifier = new Notifier({
    create: (options) =>
      Object.assign(new EventEmitter(), {
        show: () => void shown.push({ title: options.title, body: options.body }),
      }) as never,
    isSupported: () => true,
    level,
    watch: status().watch,
    onClick: () => undefined,
    onFailed: () => undefined,
    setTimer: (run) => void timers.push(run),
    alerts: new AlertLedger(file, () => now),
  })
  const flush = () => timers.splice(0).forEach((run) => run())
  return { notifier, shown, flush, file, advance: (ms: number) => void (now += ms) }
}

describe('health alerts as notifications', () => {
  it('says a silence once, however often the monitor reports it, and again the next day', () => {
    const { notifier, shown, flush, advance } = setUp('errors')
    notifier.update('health.changed', QUIET)
    flush()
    for (let i = 0; i < 5; i++) {
      advance(5 * 60_000)
      notifier.update('health.changed', QUIET)
      flush()
    }
    expect(shown).toEqual([{ title: 'Backups have gone quiet', body: QUIET.alerts[0]!.message }])
    advance(24 * 60 * 60_000)
    notifier.update('health.changed', QUIET)
    flush()
    expect(shown).toHaveLength(2)
  })

  it('does not say it again after a restart the same day', () => {
    const first = setUp('all')
    first.notifier.update('health.changed', QUIET)
    first.flush()
    const restarted = setUp('all', first.file)
    restarted.notifier.update('health.changed', QUIET)
    restarted.flush()
    expect(first.shown).toHaveLength(1)
    expect(restarted.shown).toEqual([])
  })

  it('keeps quiet with notifications off, and speaks once they are back on', () => {
    const { notifier, shown, flush } = setUp('none')
    notifier.update('health.changed', QUIET)
    flush()
    expect(shown).toEqual([])
    notifier.update('settings.changed', { notifications: 'errors' })
    notifier.update('health.changed', QUIET)
    flush()
    expect(shown.map((n) => n.title)).toEqual(['Backups have gone quiet'])
  })
})
