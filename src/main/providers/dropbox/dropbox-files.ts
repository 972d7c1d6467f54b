import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebStream } from 'node:stream/web'
import { AppError } from '../../../shared/app-error.ts'
import { hashFile } from './content-hash.ts'
import type { RemoteEntry } from '../provider.ts'
import type { DropboxApi, RouteOutcome } from './dropbox-api.ts'
import { failureToError, type DropboxFailure } from './dropbox-errors.ts'

/** files.stone Metadata, the fields a listing and a download read. */
type Metadata =
  | {
      '.tag': 'file'
      name: string
      path_display: string
      size: number
      client_modified: string
      content_hash: string
    }
  | { '.tag': 'folder'; name: string; path_display: string }
  | { '.tag': 'deleted'; name: string; path_display: string }

interface ListPage {
  entries: Metadata[]
  cursor: string
  has_more: boolean
}

/** Listing, downloading and removing backups in the App folder (restore and retention). */
export function dropboxFiles(api: DropboxApi) {
  return {
    /** The folder's direct entries; a folder not made yet (no upload so far) is empty. */
    async list(folder: string): Promise<RemoteEntry[]> {
      // list_folder names the App folder's root "", never "/" (files.stone ListFolderArg).
      const path = folder.replace(/\/+$/, '')
      const first = await api.call<ListPage>('files/list_folder', { path })
      if (!first.ok && lookupTag(first.failure) === 'not_found') return []
      let page = value(first, 'files/list_folder')
      const entries = [...page.entries]
      while (page.has_more) {
        const next = await api.call<ListPage>('files/list_folder/continue', { cursor: page.cursor })
        page = value(next, 'files/list_folder/continue')
        entries.push(...page.entries)
      }
      return entries.flatMap(toEntry)
    },

    /**
     * Streams the file into `target`, by way of a temp file beside it, and checks the bytes
     * against the content_hash Dropbox reports before putting them in place.
     */
    async download(remotePath: string, target: string): Promise<void> {
      const outcome = await api.download<Metadata>('files/download', { path: remotePath })
      const { result, body } = value(outcome, 'files/download', remotePath)
      const partial = `${target}.download`
      try {
        await pipeline(Readable.fromWeb(body as WebStream<Uint8Array>), createWriteStream(partial))
        if (result['.tag'] === 'file' && (await hashFile(partial)) !== result.content_hash)
          throw new AppError(
            'verification_failed',
            `The copy of ${remotePath} downloaded from Dropbox does not match its content hash.`,
          )
        await rename(partial, target)
      } catch (error) {
        await rm(partial, { force: true })
        throw downloadError(error, target)
      }
    },

    async remove(remotePath: string): Promise<void> {
      const outcome = await api.call('files/delete_v2', { path: remotePath })
      value(outcome, 'files/delete_v2', remotePath)
    },
  }
}

/** A file system call failing (ENOENT, ENOSPC …) means the target; anything else, the transfer. */
function downloadError(error: unknown, target: string): AppError {
  if (error instanceof AppError) return error
  const local = typeof (error as NodeJS.ErrnoException | null)?.syscall === 'string'
  return local
    ? new AppError('destination_unavailable', `Cannot write ${target}.`, { cause: error })
    : new AppError('network', 'The download from Dropbox broke off.', { cause: error })
}

/** A route's result, or the error its 409 means: a path not there is remote_not_found. */
function value<T>(outcome: RouteOutcome<T>, route: string, path?: string): T {
  if (outcome.ok) return outcome.value
  if (lookupTag(outcome.failure) === 'not_found')
    throw new AppError('remote_not_found', `There is nothing at ${path ?? 'that path'} in Dropbox.`)
  throw failureToError(outcome.failure, route)
}

/**
 * The LookupError tag inside a 409: files.stone wraps it as {path: …} (list_folder, download)
 * or {path_lookup: …} (delete_v2), the member named like the outer tag.
 */
function lookupTag(failure: DropboxFailure): string | undefined {
  const error = (failure.body as { error?: Record<string, unknown> } | null)?.error
  const outer = error?.['.tag']
  if (typeof outer !== 'string') return undefined
  const inner = error?.[outer] as { '.tag'?: unknown } | undefined
  return typeof inner?.['.tag'] === 'string' ? inner['.tag'] : undefined
}

function toEntry(metadata: Metadata): RemoteEntry[] {
  if (metadata['.tag'] === 'deleted') return []
  const file = metadata['.tag'] === 'file'
  return [
    {
      name: metadata.name,
      path: metadata.path_display,
      size: file ? metadata.size : 0,
      // When the backup was made (the uploader sets it from the file's own time).
      modified: file ? metadata.client_modified : null,
      isFolder: !file,
    },
  ]
}
