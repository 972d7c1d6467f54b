import { EventEmitter } from 'node:events'
import { describe, expect, it, vi } from 'vitest'
import {
  notificationFor,
  summarize,
  type NotificationLevel,
} from '../../../src/main/app/notifications.ts'
import { GATHER_MS, Notifier } from '../../../src/main/app/notifier.ts'
import type { StatusView } from '../../../src/shared/ipc-contract.ts'
import { FakeNotification } from './fake-electron.ts'
import { job, status } from './tray-fixtures.ts'

const LEVELS: NotificationLevel[] = ['all', 'errors', 'none']
const failed = job({
  state: 'failed',
  error: { code: 'insufficient_space', message: 'The storage is full. Free up space.' },
})
const done = job({ state: 'done', remotePath: '/Fermentrack Backups/backup-2026-11-20.tar.xz' })
const watching = status().watch
const missing: StatusView['watch'] = {
  folder: watching.folder,
  state: 'unavailable',
  error: { code: 'watch_folder_unavailable', message: 'The watched backups folder is missing.' },
}

describe('notificationFor', () => {
  it.each([
    ['all', true],
    ['errors', true],
    ['none', false],
  ] as const)('a failed upload with %s notifications: %s, with the reason', (level, shown) => {
    const content = notificationFor({ kind: 'job', job: failed }, level)
    if (!shown) return expect(content).toBeNull()
    expect(content).toEqual({
      title: 'Upload failed: backup-2026-11-20.tar.xz',
      body: 'The storage is full. Free up space.',
      failure: true,
    })
  })

  it('a successful upload only with all notifications', () => {
    expect(notificationFor({ kind: 'job', job: done }, 'all')).toEqual({
      title: 'Backup uploaded',
      body: 'backup-2026-11-20.tar.xz is safe in /Fermentrack Backups/backup-2026-11-20.tar.xz.',
      failure: false,
    })
    expect(notificationFor({ kind: 'job', job: done }, 'errors')).toBeNull()
    expect(notificationFor({ kind: 'job', job: done }, 'none')).toBeNull()
  })

  it('says when a file was stored under another name', () => {
    const renamed = { ...done, renamed: true, remotePath: '/F/backup (2).tar.xz' }
    expect(notificationFor({ kind: 'job', job: renamed }, 'all')?.body).toContain(
      '(a different file had its name)',
    )
  })

  it.each(LEVELS)('never for jobs that are only queued, uploading or cancelled (%s)', (level) => {
    for (const state of ['queued', 'uploading', 'verifying', 'cancelled'] as const) {
      expect(notificationFor({ kind: 'job', job: job({ state }) }, level)).toBeNull()
    }
  })

  it('the moment the watched folder goes missing, once', () => {
    expect(notificationFor({ kind: 'watch', before: watching, after: missing }, 'errors')).toEqual({
      title: 'Backups folder unavailable',
      body: 'The watched backups folder is missing.',
      failure: true,
    })
    expect(notificationFor({ kind: 'watch', before: missing, after: missing }, 'all')).toBeNull()
    expect(notificationFor({ kind: 'watch', before: missing, after: watching }, 'all')).toBeNull()
  })

  it('problems outside the queue, with their reason', () => {
    const error = { code: 'no_sign_in_waiting', message: 'No sign-in is waiting.' }
    expect(
      notificationFor({ kind: 'problem', title: 'Sign-in not completed', error }, 'errors'),
    ).toEqual({
      title: 'Sign-in not completed',
      body: 'No sign-in is waiting.',
      failure: true,
    })
  })

  it('keeps the body short', () => {
    const long = job({ state: 'failed', error: { code: 'network', message: 'x'.repeat(1000) } })
    expect(notificationFor({ kind: 'job', job: long }, 'all')!.body.length).toBe(250)
  })
})

describe('summarize', () => {
  it('leaves a single notification as it is', () => {
    const one = { title: 't', body: 'b', failure: false }
    expect(summarize([one])).toBe(one)
    expect(summarize([])).toBeNull()
  })

  it('merges several into one, failures first', () => {
    const ok = { title: 'Backup uploaded', body: 'a is safe.', failure: false }
    const bad = { title: 'Upload failed: b', body: 'Full.', failure: true }
    expect(summarize([ok, ok, bad])).toEqual({
      title: '1 problem, 2 backups uploaded',
      body: 'Upload failed: b: Full.',
      failure: true,
    })
    expect(summarize([ok, ok])?.title).toBe('2 backups uploaded')
  })
})

describe('Notifier', () => {
  function setUp(level: NotificationLevel) {
    FakeNotification.shown = []
    FakeNotification.failWith = null
    const shown = FakeNotification.shown
    const timers: (() => void)[] = []
    const failures: [string, string][] = []
    let clicks = 0
    const notifications: EventEmitter[] = []
    const notifier = new Notifier({
      create: (options) => {
        const notification = new FakeNotification(options)
        notifications.push(notification)
        return notification as never
      },
      isSupported: () => true,
      level,
      watch: watching,
      onClick: () => void (clicks += 1),
      onFailed: (content, error) => void failures.push([content.title, error]),
      setTimer: (run, ms) => {
        expect(ms).toBe(GATHER_MS)
        timers.push(run)
      },
    })
    const flush = () => timers.splice(0).forEach((run) => run())
    return { notifier, shown, flush, notifications, failures, clicks: () => clicks }
  }

  it('shows failures from job events and brings the window forward on click', () => {
    const { notifier, shown, flush, notifications, clicks } = setUp('errors')
    notifier.update('uploads.job', done)
    notifier.update('uploads.job', failed)
    flush()
    expect(shown).toEqual([
      {
        title: 'Upload failed: backup-2026-11-20.tar.xz',
        body: 'The storage is full. Free up space.',
      },
    ])
    notifications[0]!.emit('click')
    expect(clicks()).toBe(1)
  })

  it('follows the notifications setting as it changes', () => {
    const { notifier, shown, flush } = setUp('all')
    notifier.update('settings.changed', { notifications: 'none' })
    notifier.update('uploads.job', failed)
    flush()
    expect(shown).toEqual([])
  })

  it('notices the watched folder going missing from status events', () => {
    const { notifier, shown, flush } = setUp('errors')
    notifier.update('status.changed', status({ watch: missing }))
    notifier.update('status.changed', status({ watch: missing }))
    flush()
    expect(shown.map((n) => n.title)).toEqual(['Backups folder unavailable'])
  })

  it('hands a notification the OS refused (`failed`) to the fallback with its error', async () => {
    const { notifier, shown, flush, failures } = setUp('errors')
    FakeNotification.failWith = 'Notifications are not allowed for unsigned apps'
    notifier.update('uploads.job', failed)
    flush()
    await vi.waitFor(() => expect(failures).toHaveLength(1))
    expect(shown).toEqual([])
    expect(failures).toEqual([
      [
        'Upload failed: backup-2026-11-20.tar.xz',
        'Notifications are not allowed for unsigned apps',
      ],
    ])
  })

  it('gathers a burst into one notification', () => {
    const { notifier, shown, flush } = setUp('all')
    for (let i = 0; i < 12; i++) notifier.update('uploads.job', done)
    flush()
    expect(shown).toEqual([{ title: '12 backups uploaded', body: expect.any(String) }])
  })
})
