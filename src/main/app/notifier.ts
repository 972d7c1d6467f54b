// Shows the notifications notifications.ts decides on, with Electron's Notification passed in.
import type { Notification, NotificationConstructorOptions } from 'electron'
import type {
  EventName,
  HealthView,
  JobView,
  SettingsView,
  StatusView,
} from '../../shared/ipc-contract.ts'
import type { AlertLedger } from './alert-ledger.ts'
import {
  notificationFor,
  summarize,
  type Notice,
  type NotificationContent,
  type NotificationLevel,
} from './notifications.ts'

/** Notifications this close together are shown as one summary. */
export const GATHER_MS = 1500

type NotificationLike = Pick<Notification, 'show' | 'on'>

export interface NotifierOptions {
  create: (options: NotificationConstructorOptions) => NotificationLike
  isSupported: () => boolean
  level: NotificationLevel
  watch: StatusView['watch']
  /** A click on a notification brings the window forward. */
  onClick: () => void
  /**
   * The OS refused to show one. Since Electron 42 an unsigned macOS app gets `failed` for every
   * notification, so what it said must reach the user another way (the tray).
   */
  onFailed: (content: NotificationContent, error: string) => void
  setTimer?: (run: () => void, ms: number) => unknown
  /** Lets each health alert through once a day (absent: health alerts are not notified). */
  alerts?: Pick<AlertLedger, 'take'>
}

export class Notifier {
  private readonly options: NotifierOptions
  private level: NotificationLevel
  private watch: StatusView['watch']
  // Electron drops a notification's click handler once the object is garbage-collected.
  private readonly shown = new Set<NotificationLike>()
  private gathered: NotificationContent[] = []

  constructor(options: NotifierOptions) {
    this.options = options
    this.level = options.level
    this.watch = options.watch
  }

  /** Feeds a companion event in: job outcomes, the watch folder's state, the setting itself. */
  update(name: EventName, payload: unknown): void {
    if (name === 'settings.changed') this.level = (payload as SettingsView).notifications
    if (name === 'uploads.job') this.notify({ kind: 'job', job: payload as JobView })
    if (name === 'health.changed') this.healthChanged(payload as HealthView)
    if (name === 'status.changed') {
      const before = this.watch
      this.watch = (payload as StatusView).watch
      this.notify({ kind: 'watch', before, after: this.watch })
    }
  }

  /** A failure outside the queue: a dropped file refused, a sign-in link that found no sign-in. */
  problem(title: string, error: { code: string; message: string }): void {
    this.notify({ kind: 'problem', title, error })
  }

  /**
   * Only alerts that will be shown are recorded as notified: with notifications off, turning
   * them back on still brings today's alert.
   */
  private healthChanged(health: HealthView): void {
    if (this.level === 'none' || !this.options.alerts || !this.options.isSupported()) return
    for (const alert of this.options.alerts.take(health.alerts))
      this.notify({ kind: 'health', alert })
  }

  private notify(notice: Notice): void {
    const content = notificationFor(notice, this.level)
    if (content === null) return
    if (this.gathered.push(content) > 1) return
    const setTimer = this.options.setTimer ?? setTimeout
    setTimer(() => this.flush(), GATHER_MS)
  }

  private flush(): void {
    const content = summarize(this.gathered)
    this.gathered = []
    if (content === null || !this.options.isSupported()) return
    const notification = this.options.create({ title: content.title, body: content.body })
    this.shown.add(notification)
    const forget = () => this.shown.delete(notification)
    notification.on('click', () => {
      forget()
      this.options.onClick()
    })
    notification.on('close', forget)
    notification.on('failed', (_event, error) => {
      forget()
      this.options.onFailed(content, error)
    })
    notification.show()
  }
}
