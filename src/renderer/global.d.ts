/// <reference types="vite/client" />
import type { CompanionApi } from '../preload/companion-api.ts'

declare global {
  interface Window {
    /** Exposed by src/preload/index.ts through contextBridge. */
    readonly companion: CompanionApi
  }
}
