import { createWriteStream } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { AppError } from '../../../shared/app-error.ts'
import type { RemoteEntry } from '../provider.ts'
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
      },
    ]
  })
}

export async function downloadFile(
  client: NextcloudClient,
  remotePath: string,
  target: string,
): Promise<void> {
  const response = await client.send('GET', client.filesUrl(remotePath), {
    ok: [200],
    what: `downloading ${remotePath}`,
  })
  if (!response.body)
    throw new AppError('provider_error', `Nextcloud sent no body for ${remotePath}.`)
  await pipeline(
    Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
    createWriteStream(target),
  )
}

export async function removeFile(client: NextcloudClient, remotePath: string): Promise<void> {
  await client.send('DELETE', client.filesUrl(remotePath), {
    ok: [204],
    what: `deleting ${remotePath}`,
  })
}
