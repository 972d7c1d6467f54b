import { AppError } from '../../../shared/app-error.ts'
import { conflictName } from '../../uploads/conflict-name.ts'
import type { SourceFile } from '../../uploads/uploader.ts'
import type { DavEntry } from './multistatus.ts'
import type { NextcloudClient } from './nextcloud-client.ts'

/** More copies of one name than anyone keeps: something else is wrong. */
const MAX_COPIES = 1000

export interface Place {
  /** In the user's files: "/Fermentrack Backups/a (2).tar.xz". */
  path: string
  renamed: boolean
  /** The same bytes are already there (same size and SHA-256). */
  identical: boolean
}

export function joinRemote(folder: string, name: string): string {
  const base = `/${folder.split('/').filter(Boolean).join('/')}`
  return base === '/' ? `/${name}` : `${base}/${name}`
}

/** The file at `path`, if one is there. */
export async function remoteFile(
  client: NextcloudClient,
  path: string,
  signal?: AbortSignal,
): Promise<DavEntry | undefined> {
  const [entry] =
    (await client.propfind(client.filesUrl(path), 0, `looking at ${path}`, {}, signal)) ?? []
  return entry
}

export function sameContent(
  entry: DavEntry | undefined,
  file: SourceFile,
  sha256: string,
): boolean {
  return (
    entry !== undefined && !entry.isFolder && entry.size === file.size && entry.sha256 === sha256
  )
}

/**
 * The shared conflict rule: the name itself if free, the same bytes already there is a no-op,
 * and a different file keeps its name while this one becomes "name (2).ext" (then 3, …). A
 * file stored without a SHA-256 (uploaded by another client) counts as different.
 */
export async function choosePlace(
  client: NextcloudClient,
  folder: string,
  file: SourceFile,
  sha256: string,
  signal?: AbortSignal,
): Promise<Place> {
  for (let copy = 1; copy <= MAX_COPIES; copy++) {
    const path = joinRemote(folder, conflictName(file.name, copy))
    const entry = await remoteFile(client, path, signal)
    if (!entry) return { path, renamed: copy > 1, identical: false }
    if (sameContent(entry, file, sha256)) return { path, renamed: copy > 1, identical: true }
  }
  throw new AppError(
    'provider_error',
    `${folder} already holds ${MAX_COPIES} copies named like ${file.name}.`,
  )
}

/** Creates the remote folder and any missing parents (MKCOL needs the parent to exist: 409). */
export async function ensureFolder(
  client: NextcloudClient,
  folder: string,
  signal?: AbortSignal,
): Promise<void> {
  const parts = folder.split('/').filter(Boolean)
  const [self] =
    (await client.propfind(
      client.filesUrl(`/${parts.join('/')}`),
      0,
      `looking at ${folder}`,
      {},
      signal,
    )) ?? []
  if (self?.isFolder) return
  for (let i = 1; i <= parts.length; i++) {
    const path = `/${parts.slice(0, i).join('/')}`
    // 405: it exists already (made by someone else meanwhile, or an ancestor we did not check).
    await client.send('MKCOL', client.filesUrl(path), {
      ok: [201, 405],
      what: `creating ${path}`,
      signal,
    })
  }
}
