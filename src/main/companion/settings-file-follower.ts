import type { Engine } from '../engine.ts'
import type { Settings } from '../../shared/settings-schema.ts'
import type { SettingsFileWatch } from '../store/settings-file-watch.ts'

export interface SettingsFileEvents {
  /** The file stopped (string) or started again (null) reading as valid settings. */
  problemChanged(problem: string | null): void
  /** Valid settings from outside this process (a hand edit, the CLI) replaced `previous`. */
  editedOutside(next: Settings, previous: Settings): void
}

/**
 * Follows settings.json while the window's service runs: an edit from outside is passed on like
 * a save in the window, and a broken one is held as the current problem until the file reads
 * again or a save rewrites it (the window shows it as a banner meanwhile).
 */
export class SettingsFileFollower {
  private readonly engine: Engine
  private readonly events: SettingsFileEvents
  private watch: SettingsFileWatch | undefined
  private current: string | null = null

  constructor(engine: Engine, events: SettingsFileEvents) {
    this.engine = engine
    this.events = events
    engine.settings.onChange((next, { origin, previous }) => {
      // A save here rewrites the file whole: whatever was wrong with it is gone.
      this.setProblem(null)
      if (origin === 'file') events.editedOutside(next, previous)
    })
  }

  /** The one-line problem with the file as it is now, or null. */
  get problem(): string | null {
    return this.current
  }

  /** Starts watching; a bad edit is also logged (by the engine). */
  start(): void {
    this.watch = this.engine.watchSettingsFile((problem) => this.setProblem(problem))
  }

  async stop(): Promise<void> {
    await this.watch?.close()
  }

  private setProblem(problem: string | null): void {
    if (problem === this.current) return
    this.current = problem
    this.events.problemChanged(problem)
  }
}
