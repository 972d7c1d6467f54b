import { AppError } from '../../../shared/app-error.ts'
import type { RemoteEntry } from '../provider.ts'
import type { DropboxApi } from './dropbox-api.ts'

/** Listing, downloading and removing backups in the App folder (restore and retention). */
export function dropboxFiles(api: DropboxApi) {
  return {
    async list(folder: string): Promise<RemoteEntry[]> {
      void api
      void folder
      throw new AppError('provider_error', 'Listing Dropbox folders is not built yet.')
    },
    async download(remotePath: string, target: string): Promise<void> {
      void remotePath
      void target
      throw new AppError('provider_error', 'Downloading from Dropbox is not built yet.')
    },
    async remove(remotePath: string): Promise<void> {
      void remotePath
      throw new AppError('provider_error', 'Removing from Dropbox is not built yet.')
    },
  }
}
