import { createWriteStream } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { AppError } from '../../../shared/app-error.ts'
import type { RemoteEntry } from '../provider.ts'
import { PROPFIND_ALL, type WebdavClient } from './webdav-client.ts'
import { statusError } from './webdav-errors.ts'
import { segments } from './webdav-paths.ts'

/** Listing, downloading and removing backups (restore and retention). */
export function webdavFiles(client: WebdavClient) {
  return {
    async list(folder: string): Promise<RemoteEntry[]> {
      const self = `/${segments(folder).join('/')}`
      const found = await client.propfind(self, 1, PROPFIND_ALL, { isFolder: true })
      if (!found)
        throw new AppError(
          'destination_unavailable',
          `There is no folder "${folder}" on the WebDAV server.`,
        )
      // Depth 1 answers with the folder itself too (RFC 4918 §9.1).
      return found
        .filter((resource) => resource.path !== self)
        .map((resource) => ({
          name: resource.path.slice(resource.path.lastIndexOf('/') + 1),
          path: resource.path,
          size: resource.isFolder ? 0 : resource.size,
          modified: resource.modified,
          isFolder: resource.isFolder,
        }))
    },
    async download(remotePath: string, target: string): Promise<void> {
      const response = await client.send('GET', remotePath)
      if (response.status !== 200 || !response.body) {
        await response.body?.cancel()
        throw statusError(response, `GET ${remotePath}`)
      }
      // Streamed to disk: a backup is never held in memory whole.
      await pipeline(Readable.fromWeb(response.body), createWriteStream(target))
    },
    async remove(remotePath: string): Promise<void> {
      // 404: already gone, which is what was asked for.
      await client.expect('DELETE', remotePath, [200, 204, 404])
    },
  }
}
