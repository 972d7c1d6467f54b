/**
 * A strict local emulator of Google's OAuth for installed apps and the Drive v3 subset this app
 * uses, written from Google's documentation (errors included); see README.md. Never loosened to
 * make a client pass.
 */
export { startGdriveEmulator } from './server.ts'
export type { Fault, GdriveEmulator, GdriveEmulatorOptions, RequestRecord } from './server.ts'
export { CHUNK_GRANULE } from './uploads.ts'
export { DRIVE_FILE_SCOPE } from './oauth.ts'
