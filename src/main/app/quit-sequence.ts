// Quitting: windows really close, and the engine stops (watcher closed, queue released) first.
import type { App } from 'electron'
import type { Logger } from '../log/logger.ts'

export interface QuitSequenceOptions {
  app: Pick<App, 'on' | 'quit'>
  /** Stops the companion service. */
  stop: () => Promise<void>
  log: Logger
  /** A stop that hangs must not keep the app alive. */
  timeoutMs?: number
  setTimer?: (run: () => void, ms: number) => unknown
}

export class QuitSequence {
  private quitting = false
  private stopped = false
  private stopping = false

  constructor(options: QuitSequenceOptions) {
    const { app, stop, log, timeoutMs = 5000, setTimer = setTimeout } = options
    app.on('before-quit', () => this.markQuitting())
    app.on('will-quit', (event) => {
      if (this.stopped) return
      event.preventDefault()
      if (this.stopping) return
      this.stopping = true
      const finish = () => {
        if (this.stopped) return
        this.stopped = true
        app.quit()
      }
      setTimer(() => {
        if (this.stopped) return
        log.warn('the engine did not stop in time; quitting anyway', { timeoutMs })
        finish()
      }, timeoutMs)
      stop().then(finish, (error: unknown) => {
        log.error('the engine did not stop cleanly', { error })
        finish()
      })
    })
  }

  isQuitting(): boolean {
    return this.quitting
  }

  /** Quit from anywhere (tray, menu, Cmd+Q) or the OS ending the session. */
  markQuitting(): void {
    this.quitting = true
  }
}
