/**
 * A strict local emulator of the Nextcloud server APIs this app uses: Login Flow v2, OCS user and
 * app-password deletion, WebDAV files and chunked upload v2. Written from Nextcloud's developer
 * documentation, errors included, so client bugs fail here first.
 */
export { startNextcloudEmulator } from './server.ts'
export type {
  Fault,
  FaultMatch,
  NextcloudEmulator,
  NextcloudEmulatorOptions,
  RequestRecord,
} from './types.ts'
