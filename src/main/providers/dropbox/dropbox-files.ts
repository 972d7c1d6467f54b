import { rm } from 'node:fs/promises'
import { AppError } from '../../../shared/app-error.ts'
import { hashFile } from './content-hash.ts'
import type { DownloadOptions, RemoteEntry } from '../provider.ts'
import { rangeAnswer, writeFrom } from '../ranged-download.ts'
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
  /** A file's metadata, where a download fetched nothing (its offset was already the end). */
  async function metadataOf(path: string): Promise<Metadata> {
    return value(
      await api.call<Metadata>('files/get_metadata', { path }),
      'files/get_metadata',
      path,
    )
  }

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
     * Streams the file into `target` (from `options.offset`, appending, where a restore resumes)
     * and then checks the whole file against the content_hash Dropbox reports. A copy that does
     * not match is deleted: resuming it would only add to bad bytes.
     */
    async download(remotePath: string, target: string, options: DownloadOptions = {}) {
      const offset = options.offset ?? 0
      options.signal?.throwIfAborted()
      const outcome = await api.download<Metadata>(
        'files/download',
        { path: remotePath },
        { signal: options.signal, offset },
      )
      const answer = value(outcome, 'files/download', remotePath)
      const how = await rangeAnswer(answer, offset, 'files/download')
      if (answer.body) await writeFrom(answer.body, target, how === 'rest' ? offset : 0, options)
      const metadata = answer.result ?? (await metadataOf(remotePath))
      if (metadata['.tag'] === 'file' && (await hashFile(target)) !== metadata.content_hash) {
        await rm(target, { force: true })
        throw new AppError(
          'verification_failed',
          `The copy of ${remotePath} downloaded from Dropbox does not match its content hash.`,
        )
      }
    },

    /** A file already gone (path_lookup/not_found) is no error: what was asked for is done. */
    async remove(remotePath: string): Promise<void> {
      const outcome = await api.call('files/delete_v2', { path: remotePath })
      if (!outcome.ok && lookupTag(outcome.failure) === 'not_found') return
      value(outcome, 'files/delete_v2', remotePath)
    },
  }
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
      // Named as the uploader records it, so a restore compares like with like.
      ...(file
        ? { checksum: { algorithm: 'dropbox-content-hash', value: metadata.content_hash } }
        : {}),
    },
  ]
}
