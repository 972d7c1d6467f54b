import { PROVIDER_IDS, type ProviderId } from '../../shared/provider-settings.ts'
import { dropboxProvider } from './dropbox/dropbox-provider.ts'
import { googleDriveProvider } from './google-drive/google-drive-provider.ts'
import { localProvider } from './local/local-provider.ts'
import { nextcloudProvider } from './nextcloud/nextcloud-provider.ts'
import { oneDriveProvider } from './onedrive/onedrive-provider.ts'
import type { Provider } from './provider.ts'
import { s3Provider } from './s3/s3-provider.ts'
import { webdavProvider } from './webdav/webdav-provider.ts'

/**
 * The one list of providers. Everything else (auth, uploads, the CLI, IPC, the window) works
 * from here and from the Provider port; nothing outside providers/ names a provider.
 */
const BUILT: readonly Provider[] = [
  dropboxProvider,
  googleDriveProvider,
  oneDriveProvider,
  nextcloudProvider,
  webdavProvider,
  s3Provider,
  localProvider,
]

/** Listed so users see what is coming; shown as not enabled, "coming soon". */
const DISPLAY_NAMES: Record<ProviderId, string> = {
  dropbox: 'Dropbox',
  'google-drive': 'Google Drive',
  onedrive: 'OneDrive',
  nextcloud: 'Nextcloud',
  webdav: 'WebDAV',
  s3: 'S3-compatible storage',
  local: 'Local or NAS folder',
}

/** The built provider with this id, or undefined for one that is coming soon (or unknown). */
export function providerById(id: string): Provider | undefined {
  return BUILT.find((p) => p.id === id)
}

export function isProviderId(id: string): id is ProviderId {
  return (PROVIDER_IDS as readonly string[]).includes(id)
}

/** Every provider id, in the order the app lists them. */
export function providerIds(): readonly ProviderId[] {
  return PROVIDER_IDS
}

/** How a provider is named to the user: in the provider list, and in "Dropbox asked us to …". */
export function providerName(id: ProviderId): string {
  return providerById(id)?.displayName ?? DISPLAY_NAMES[id]
}
