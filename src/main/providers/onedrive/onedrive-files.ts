import { AppError } from '../../../shared/app-error.ts'
import type { DownloadOptions, RemoteEntry } from '../provider.ts'
import { rangeAnswer, rangeFrom, writeFrom } from '../ranged-download.ts'
import { reportedChecksum, type DriveItem } from './drive-item.ts'
import { itemPath, type GraphApi } from './graph-api.ts'

interface Page {
  value: DriveItem[]
  '@odata.nextLink'?: string
}

/** An item of the app folder by its path, or undefined where nothing is. */
export async function itemAt(
  api: GraphApi,
  path: string,
  signal?: AbortSignal,
): Promise<DriveItem | undefined> {
  const response = await api.call(itemPath(path), { accept: [404], signal })
  if (response.status === 404) {
    await response.body?.cancel()
    return undefined
  }
  return (await response.json()) as DriveItem
}

/** Makes `folder` and the folders above it in the app folder, where missing. */
export async function ensureFolder(
  api: GraphApi,
  folder: string,
  signal?: AbortSignal,
): Promise<void> {
  const existing = await itemAt(api, folder, signal)
  if (existing?.folder) return
  if (existing)
    throw new AppError(
      'destination_unavailable',
      `"${folder}" in the OneDrive app folder is a file, not a folder.`,
    )
  const slash = folder.replace(/\/+$/, '').lastIndexOf('/')
  const parent = folder.slice(0, slash)
  if (parent !== '') await ensureFolder(api, parent, signal)
  // 409: made meanwhile by another upload, which is what was wanted.
  await api.call(childrenUrl(parent), {
    method: 'POST',
    json: {
      name: folder.slice(slash + 1),
      folder: {},
      '@microsoft.graph.conflictBehavior': 'fail',
    },
    accept: [409],
    signal,
  })
}

function childrenUrl(folder: string): string {
  return `${itemPath(folder)}/children`
}

export function oneDriveFiles(api: GraphApi) {
  return {
    async list(folder: string): Promise<RemoteEntry[]> {
      const base = folder.replace(/\/+$/, '')
      const entries: RemoteEntry[] = []
      const first = await api.call(childrenUrl(folder), { accept: [404] })
      if (first.status === 404) {
        await first.body?.cancel()
        return []
      }
      let page = (await first.json()) as Page
      for (;;) {
        for (const item of page.value) entries.push(entryOf(base, item))
        const next = page['@odata.nextLink']
        if (!next) return entries
        page = await api.json<Page>(next)
      }
    },

    async download(
      remotePath: string,
      target: string,
      options: DownloadOptions = {},
    ): Promise<void> {
      const offset = options.offset ?? 0
      const located = await api.call(`${itemPath(remotePath)}/content`, {
        manualRedirect: true,
        accept: [404],
        signal: options.signal,
      })
      if (located.status === 404)
        throw new AppError('provider_error', `${remotePath} is not in OneDrive.`)
      // Graph answers with a redirect to a pre-authenticated download URL, or with the bytes.
      const location = located.headers.get('location')
      let response = located
      if (location) {
        await located.body?.cancel()
        response = await api.unauthenticated(location, {
          headers: rangeFrom(offset),
          accept: [416],
          signal: options.signal,
        })
      } else if (offset > 0) {
        await located.body?.cancel()
        throw new AppError(
          'provider_error',
          'OneDrive sent the file without a download URL to resume from.',
        )
      }
      const answer = await rangeAnswer(
        { status: response.status, contentRange: response.headers.get('content-range') },
        offset,
        remotePath,
      ).catch(async (error: unknown) => {
        await response.body?.cancel()
        throw error
      })
      if (answer === 'complete' || response.body === null) {
        await response.body?.cancel()
        return
      }
      await writeFrom(response.body, target, answer === 'rest' ? offset : 0, options)
    },

    async remove(remotePath: string): Promise<void> {
      const response = await api.call(itemPath(remotePath), { method: 'DELETE', accept: [404] })
      await response.body?.cancel()
    },
  }
}

function entryOf(folder: string, item: DriveItem): RemoteEntry {
  const checksum = reportedChecksum(item)
  return {
    name: item.name,
    path: `${folder}/${item.name}`,
    size: item.size,
    modified: item.lastModifiedDateTime ?? null,
    isFolder: item.folder !== undefined,
    ...(checksum ? { checksum } : {}),
  }
}
