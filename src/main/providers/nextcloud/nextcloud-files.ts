import { AppError } from '../../../shared/app-error.ts'
import type { DownloadOptions, RemoteEntry } from '../provider.ts'
import { rangeAnswer, rangeFrom, writeFrom } from '../ranged-download.ts'
import type { NextcloudClient } from './nextcloud-client.ts'
import { joinRemote } from './remote-place.ts'

/** The files directly in `folder` of the user's files, with PROPFIND Depth 1. */
export async function listFolder(client: NextcloudClient, folder: string): Promise<RemoteEntry[]> {
  const root = decodeURIComponent(new URL(client.filesRoot()).pathname)
  const entries = await client.propfind(
    client.filesUrl(joinRemote(folder, '')),
    1,
    `listing ${folder}`,
  )
  if (!entries) throw new AppError('remote_not_found', `There is no folder ${folder} on Nextcloud.`)
  const self = joinRemote(folder, '').replace(/(.)\/$/, '$1')
  return entries.flatMap((entry) => {
    const path = entry.path.slice(root.length) || '/'
    // The folder itself comes back too (first, by convention).
    if (path === self) return []
    return [
      {
        name: path.slice(path.lastIndexOf('/') + 1),
        path,
        size: entry.isFolder ? 0 : entry.size,
        modified: entry.modified,
        isFolder: entry.isFolder,
        // From the listing's own oc:checksums, named as the uploader records it.
        ...(entry.sha256 ? { checksum: { algorithm: 'sha256', value: entry.sha256 } } : {}),
      },
    ]
  })
}

/** The file streamed into `target`, from `options.offset` on (a Range GET) when resuming. */
export async function downloadFile(
  client: NextcloudClient,
  remotePath: string,
  target: string,
  options: DownloadOptions = {},
): Promise<void> {
  const offset = options.offset ?? 0
  options.signal?.throwIfAborted()
  const what = `downloading ${remotePath}`
  const response = await client.send('GET', client.filesUrl(remotePath), {
    headers: rangeFrom(offset),
    ok: offset > 0 ? [200, 206, 416] : [200],
    what,
    signal: options.signal,
  })
  const contentRange = response.headers.get('content-range')
  const how = await rangeAnswer({ status: response.status, contentRange }, offset, what)
  if (how === 'complete') return void (await response.body?.cancel())
  if (!response.body)
    throw new AppError('provider_error', `Nextcloud sent no body for ${remotePath}.`)
  await writeFrom(response.body, target, how === 'rest' ? offset : 0, options)
}

/** A file already gone (404) is no error: what was asked for is done. */
export async function removeFile(client: NextcloudClient, remotePath: string): Promise<void> {
  const response = await client.send('DELETE', client.filesUrl(remotePath), {
    ok: [204, 404],
    what: `deleting ${remotePath}`,
  })
  await response.body?.cancel()
}
