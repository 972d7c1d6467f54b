// The desktop shell's own memory between runs: the window's placement, the last view, banners the
// user dismissed, whether the tray hint was shown. electron-store keeps it in its own file in
// userData; the engine's settings stay in settings.json, written by conf for the app and the CLI
// alike, and nothing here is a setting the CLI needs to see.
//
// electron-store imports `electron` itself, so this file is only reached from the shell
// (tests resolve `electron` to the fake module: test/support/electron/).
import Store from 'electron-store'
import { z } from 'zod'
import { WindowMemory, type WindowMemoryChange } from '../../shared/ipc-contract.ts'
import { MAX_DISMISSED, withDismissed, type WindowMemoryStore } from '../companion/window-memory.ts'
import { WindowPlacement } from './window-placement.ts'

/** desktop-state.json, next to (not inside) the engine's settings. */
export const SHELL_STATE_NAME = 'desktop-state'

const fields = {
  window: WindowPlacement,
  lastView: WindowMemory.shape.lastView.unwrap(),
  dismissedBanners: WindowMemory.shape.dismissedBanners.max(MAX_DISMISSED),
  trayHintSeen: z.boolean(),
}
type Fields = { [K in keyof typeof fields]: z.infer<(typeof fields)[K]> }

export class ShellState implements WindowMemoryStore {
  private readonly store: Store<Partial<Fields>>

  /** `dir`: the app's userData. */
  constructor(dir: string) {
    // A file that no longer parses is started afresh: it holds nothing that can't be rebuilt.
    this.store = new Store<Partial<Fields>>({
      name: SHELL_STATE_NAME,
      cwd: dir,
      clearInvalidConfig: true,
    })
  }

  get path(): string {
    return this.store.path
  }

  /** A value as saved, or undefined when absent or edited into something else. */
  private read<K extends keyof Fields>(key: K): Fields[K] | undefined {
    const parsed = fields[key].safeParse(this.store.get(key))
    return parsed.success ? (parsed.data as Fields[K]) : undefined
  }

  windowPlacement(): WindowPlacement | undefined {
    return this.read('window')
  }

  saveWindowPlacement(placement: WindowPlacement): void {
    this.store.set('window', placement)
  }

  memory(): WindowMemory {
    return {
      lastView: this.read('lastView') ?? null,
      dismissedBanners: this.read('dismissedBanners') ?? [],
    }
  }

  remember({ lastView, dismissBanner }: WindowMemoryChange): WindowMemory {
    if (lastView !== undefined) this.store.set('lastView', lastView)
    if (dismissBanner !== undefined) {
      this.store.set(
        'dismissedBanners',
        withDismissed(this.memory().dismissedBanners, dismissBanner),
      )
    }
    return this.memory()
  }

  trayHintSeen(): boolean {
    return this.read('trayHintSeen') ?? false
  }

  markTrayHintSeen(): void {
    this.store.set('trayHintSeen', true)
  }
}
