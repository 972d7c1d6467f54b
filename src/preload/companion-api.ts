// What the preload exposes to the renderer as `window.companion`. The renderer imports this as a
// type only. Kept deliberately small until the IPC contract in src/shared/ exists.
export interface CompanionApi {
  /** The app's version, from package.json. */
  readonly version: string
}
