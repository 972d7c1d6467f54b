// The window's memory between runs: the last section shown and the banners closed. The desktop
// shell keeps it on disk (src/main/app/shell-state.ts, electron-store); without a shell (the E2E
// bridge, tests) it lasts as long as the process.
import type { WindowMemory, WindowMemoryChange } from '../../shared/ipc-contract.ts'

/** Closed banners kept; the oldest go first, so the list can't grow without end. */
export const MAX_DISMISSED = 50

export interface WindowMemoryStore {
  memory(): WindowMemory
  remember(change: WindowMemoryChange): WindowMemory
}

/** The dismissed list after closing `id`: once each, newest last, at most MAX_DISMISSED. */
export function withDismissed(dismissed: readonly string[], id: string): string[] {
  return [...dismissed.filter((d) => d !== id), id].slice(-MAX_DISMISSED)
}

export class ProcessWindowMemory implements WindowMemoryStore {
  private state: WindowMemory = { lastView: null, dismissedBanners: [] }

  memory(): WindowMemory {
    return this.state
  }

  remember({ lastView, dismissBanner }: WindowMemoryChange): WindowMemory {
    this.state = {
      lastView: lastView ?? this.state.lastView,
      dismissedBanners: dismissBanner
        ? withDismissed(this.state.dismissedBanners, dismissBanner)
        : this.state.dismissedBanners,
    }
    return this.state
  }
}
