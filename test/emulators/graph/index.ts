/**
 * A strict local emulator of the Microsoft identity platform and Microsoft Graph, for the
 * OneDrive provider: see server.ts.
 */
export { startGraphEmulator } from './server.ts'
export type { Fault, GraphEmulator, GraphEmulatorOptions, RequestRecord } from './server.ts'
export type { DriveItem, DriveType } from './drive-store.ts'
export { FRAGMENT_MULTIPLE, MAX_FRAGMENT_BYTES } from './upload-sessions.ts'
export { SIMPLE_UPLOAD_MAX } from './graph-routes.ts'
export { quickXorOf } from './quick-xor.ts'
