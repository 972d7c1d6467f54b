import { AppError } from '../../../shared/app-error.ts'
import type { DownloadOptions, RemoteEntry } from '../provider.ts'
import { rangeAnswer, rangeFrom, writeFrom } from '../ranged-download.ts'
import { sha256Among } from './remote-content.ts'
import { PROPFIND_ALL, type WebdavClient } from './webdav-client.ts'
import { statusError } from './webdav-errors.ts'
import { segments } from './webdav-paths.ts'

/** Listing, downloading and removing backups (restore and retention). */
export function webdavFiles(client: WebdavClient) {
  return {
    async list(folder: string): Promise<RemoteEntry[]> {
      const self = `/${segments(folder).join('/')}`
      const found = await client.propfind(self, 1, PROPFIND_ALL, { isFolder: true })
      // Like the other providers: a backups folder not made yet (nothing uploaded) is not there.
      if (!found)
        throw new AppError(
          'remote_not_found',
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
          ...listedChecksum(resource.props.checksums),
        }))
    },
    /** Streamed to disk, never held in memory whole; from `options.offset` by a Range GET. */
    async download(remotePath: string, target: string, options: DownloadOptions = {}) {
      const offset = options.offset ?? 0
      options.signal?.throwIfAborted()
      const response = await client
        .send('GET', remotePath, { headers: rangeFrom(offset), signal: options.signal })
        .catch((error: unknown) => {
          throw options.signal?.aborted ? options.signal.reason : error
        })
      const asked = offset > 0 ? [200, 206, 416] : [200]
      if (!asked.includes(response.status) || (response.status !== 416 && !response.body)) {
        await response.body?.cancel()
        throw statusError(response, `GET ${remotePath}`)
      }
      const contentRange = response.headers.get('content-range')
      const how = await rangeAnswer(
        { status: response.status, contentRange },
        offset,
        `GET ${remotePath}`,
        async () => (await client.stat(remotePath, options.signal))?.size,
      )
      if (how === 'complete' || !response.body) return void (await response.body?.cancel())
      await writeFrom(response.body, target, how === 'rest' ? offset : 0, options)
    },
    async remove(remotePath: string): Promise<void> {
      // 404: already gone, which is what was asked for.
      await client.expect('DELETE', remotePath, [200, 204, 404])
    },
  }
}

/**
 * A checksum only where the server lists one with the file (ownCloud-style oc:checksums, which
 * some servers include in allprop); rclone and Apache list none, and one PROPFIND per file to
 * ask would not be cheap. Named "sha256" as the uploader records it.
 */
function listedChecksum(checksums: unknown): Pick<RemoteEntry, 'checksum'> {
  const sha256 = sha256Among(checksums)
  return sha256 ? { checksum: { algorithm: 'sha256', value: sha256 } } : {}
}
