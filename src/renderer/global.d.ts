/// <reference types="vite/client" />
import type { CompanionApi } from '../shared/ipc-contract.ts'

declare global {
  interface Window {
    /** Exposed by the preload (or the E2E bridge); the renderer's only way out. */
    readonly companion: CompanionApi
  }
}
