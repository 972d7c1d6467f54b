import { rm } from 'node:fs/promises'
import { AppError } from '../../../shared/app-error.ts'
import { sha256File } from '../../uploads/file-sha256.ts'
import type { DownloadOptions, RemoteEntry } from '../provider.ts'
import { rangeAnswer, rangeFrom, writeFrom } from '../ranged-download.ts'
import { quoted, type DriveApi } from './drive-api.ts'
import { FOLDER_MIME, segmentsOf, type DriveFolders } from './drive-folders.ts'

/** The fields of a file this app reads; Drive sends only what `fields` names. */
export const FILE_FIELDS = 'id,name,mimeType,size,modifiedTime,sha256Checksum,md5Checksum'

export interface DriveFileResource {
  id: string
  name: string
  mimeType: string
  /** int64 in Drive's JSON is a string. */
  size?: string
  modifiedTime?: string
  sha256Checksum?: string
  md5Checksum?: string
}

/** The files called `name` directly in the folder, oldest first (Drive allows several). */
export async function filesNamed(
  api: DriveApi,
  folderId: string,
  name: string,
  signal?: AbortSignal,
): Promise<DriveFileResource[]> {
  const list = await api.json<{ files: DriveFileResource[] }>({
    method: 'GET',
    url: '/drive/v3/files',
    query: {
      q: `name = ${quoted(name)} and ${quoted(folderId)} in parents and trashed = false`,
      fields: `files(${FILE_FIELDS})`,
      orderBy: 'createdTime',
    },
    what: `the look-up of "${name}"`,
    signal,
  })
  return list.files
}

function split(remotePath: string): { folder: string; name: string } {
  const segments = segmentsOf(remotePath)
  return { folder: '/' + segments.slice(0, -1).join('/'), name: segments.at(-1) ?? '' }
}

/** list, download and remove by path, on top of the folder ids. */
export function driveFiles(api: DriveApi, folders: DriveFolders) {
  async function fileAt(remotePath: string): Promise<DriveFileResource | undefined> {
    const { folder, name } = split(remotePath)
    const folderId = await folders.find(folder, false)
    if (!folderId || !name) return undefined
    return (await filesNamed(api, folderId, name)).find((f) => f.mimeType !== FOLDER_MIME)
  }

  return {
    async list(folder: string): Promise<RemoteEntry[]> {
      const folderId = await folders.find(folder, false)
      if (!folderId) return []
      const base = segmentsOf(folder).join('/')
      const entries: RemoteEntry[] = []
      let pageToken: string | undefined
      do {
        const page = await api.json<{ files: DriveFileResource[]; nextPageToken?: string }>({
          method: 'GET',
          url: '/drive/v3/files',
          query: {
            q: `${quoted(folderId)} in parents and trashed = false`,
            fields: `nextPageToken,files(${FILE_FIELDS})`,
            pageSize: '1000',
            ...(pageToken && { pageToken }),
          },
          what: `the list of ${folder}`,
        })
        entries.push(...page.files.map((file) => toEntry(file, base)))
        pageToken = page.nextPageToken
      } while (pageToken)
      return entries
    },

    async download(remotePath: string, target: string, options: DownloadOptions = {}) {
      const offset = options.offset ?? 0
      options.signal?.throwIfAborted()
      const file = await fileAt(remotePath)
      if (!file)
        throw new AppError('remote_not_found', `There is nothing at ${remotePath} in Google Drive.`)
      const response = await api.send({
        method: 'GET',
        url: `/drive/v3/files/${encodeURIComponent(file.id)}`,
        query: { alt: 'media' },
        headers: rangeFrom(offset),
        accept: offset > 0 ? [416] : [],
        what: `the download of ${remotePath}`,
        signal: options.signal,
      })
      const how = await rangeAnswer(
        { status: response.status, contentRange: response.headers.get('content-range') },
        offset,
        'the download',
      )
      if (how === 'complete') await response.body?.cancel()
      else if (response.body)
        await writeFrom(response.body, target, how === 'rest' ? offset : 0, options)
      if (file.sha256Checksum && (await sha256File(target)) !== file.sha256Checksum) {
        await rm(target, { force: true })
        throw new AppError(
          'verification_failed',
          `The copy of ${remotePath} downloaded from Google Drive does not match its SHA-256.`,
        )
      }
    },

    /** A file already gone is no error: what was asked for is done. */
    async remove(remotePath: string): Promise<void> {
      const file = await fileAt(remotePath)
      if (!file) return
      const response = await api.send({
        method: 'DELETE',
        url: `/drive/v3/files/${encodeURIComponent(file.id)}`,
        accept: [404],
        what: `the removal of ${remotePath}`,
      })
      await response.body?.cancel()
    },
  }
}

function toEntry(file: DriveFileResource, base: string): RemoteEntry {
  const isFolder = file.mimeType === FOLDER_MIME
  return {
    name: file.name,
    path: `/${base ? base + '/' : ''}${file.name}`,
    size: Number(file.size ?? 0),
    modified: file.modifiedTime ?? null,
    isFolder,
    ...(!isFolder && file.sha256Checksum
      ? { checksum: { algorithm: 'sha256', value: file.sha256Checksum } }
      : {}),
  }
}
