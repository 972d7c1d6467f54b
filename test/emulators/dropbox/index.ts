/**
 * A strict local emulator of the Dropbox API v2 subset this app uses: OAuth 2 PKCE, users,
 * token revoke, uploads (single and sessions), metadata, listing, download and delete. It exists
 * to catch client bugs, so it follows the documented protocol, errors included, and never loosens
 * it.
 */
export { startDropboxEmulator } from './server.ts'
export type {
  DropboxEmulator,
  DropboxEmulatorOptions,
  Fault,
  FileMetadata,
  FolderMetadata,
  RequestRecord,
  StoredFile,
} from './types.ts'
export type { RateLimit } from './traffic-limits.ts'
