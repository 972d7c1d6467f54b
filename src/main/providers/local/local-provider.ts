import { open, readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '../../../shared/app-error.ts'
import type { Credentials, Provider, RemoteEntry } from '../provider.ts'
import { writeFrom } from '../ranged-download.ts'
import { destinationError } from './local-errors.ts'
import { LocalFolderUploader } from './local-folder-uploader.ts'

/** Where the connection's "remote" root is: the chosen folder (a NAS mount, say). */
function root(credentials: Credentials): string {
  const folder = credentials.config.folder
  if (typeof folder !== 'string' || folder === '')
    throw new AppError('no_destination', 'No local destination folder is set.')
  return folder
}

/** "/a/b.tar.xz" under the root; ".." parts are refused, as a remote path never climbs out. */
function inside(credentials: Credentials, remotePath: string): string {
  const parts = remotePath.split('/').filter(Boolean)
  if (parts.some((part) => part === '..' || part === '.'))
    throw new AppError('usage', `"${remotePath}" is not a path inside the destination folder.`)
  return join(root(credentials), ...parts)
}

/**
 * A path not there, in a destination folder that is: remote_not_found, as a remote provider says
 * it (a backups folder not made yet, a backup already removed). With the folder itself gone (a
 * share unmounted) it stays destination_unavailable.
 */
async function lookupError(credentials: Credentials, path: string, error: unknown) {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  const rootThere = await stat(root(credentials)).then(
    (info) => info.isDirectory(),
    () => false,
  )
  if ((code === 'ENOENT' || code === 'ENOTDIR') && rootThere)
    return new AppError('remote_not_found', `There is nothing at "${path}".`, { cause: error })
  return destinationError(path, error)
}

/** Local or NAS folder: needs no account; the copy is never visible half-written. */
export const localProvider: Provider = {
  id: 'local',
  displayName: 'Local or NAS folder',
  auth: 'none',
  connectFields: [{ name: 'folder', label: 'Folder', kind: 'text', required: true }],
  // The file system's own limit applies; the uploader reports a full disk as insufficient_space.
  maxFileBytes: Number.MAX_SAFE_INTEGER,
  docsAnchor: 'local-or-nas-folder',
  isEnabled: (settings) =>
    settings.enabled
      ? { enabled: true }
      : { enabled: false, reason: 'Switched off in its settings.' },
  async connect(request) {
    const folder = String(request.fields.folder ?? '')
    const info = await stat(folder).catch(() => undefined)
    if (!info?.isDirectory())
      throw new AppError('destination_unavailable', `"${folder}" is not a folder.`)
    return {
      account: { id: folder, name: folder, email: '' },
      space: null,
      config: { folder },
      secret: null,
    }
  },
  uploader: (credentials) => new LocalFolderUploader({ destination: root(credentials) }),
  async account(credentials) {
    const folder = root(credentials)
    return { account: { id: folder, name: folder, email: '' }, space: null }
  },
  async disconnect() {
    // Nothing to revoke: the folder and the backups in it stay as they are.
  },
  async list(credentials, folder) {
    const dir = inside(credentials, folder)
    try {
      const entries = await readdir(dir, { withFileTypes: true })
      return await Promise.all(
        entries
          .filter((e) => e.isFile() || e.isDirectory())
          .map(async (e): Promise<RemoteEntry> => {
            const info = await stat(join(dir, e.name))
            return {
              name: e.name,
              path: `${folder.replace(/\/$/, '')}/${e.name}`,
              size: e.isFile() ? info.size : 0,
              modified: info.mtime.toISOString(),
              isFolder: e.isDirectory(),
            }
          }),
      )
    } catch (error) {
      throw await lookupError(credentials, dir, error)
    }
  },
  /** Read from `options.offset` and appended, as an HTTP provider's Range GET does. */
  async download(credentials, remotePath, target, _context, options = {}) {
    const from = inside(credentials, remotePath)
    options.signal?.throwIfAborted()
    // Opened first, so a missing or unreadable backup is told apart from a target not writable.
    const source = await open(from).catch(async (error: unknown) => {
      throw await lookupError(credentials, from, error)
    })
    const offset = options.offset ?? 0
    await writeFrom(source.createReadStream({ start: offset }), target, offset, options)
  },
  /** A file already gone is no error: what was asked for is done (S3 and WebDAV agree). */
  async remove(credentials, remotePath) {
    const path = inside(credentials, remotePath)
    await rm(path).catch(async (error: unknown) => {
      const missing = await lookupError(credentials, path, error)
      if ((missing as AppError).code !== 'remote_not_found') throw missing
    })
  },
}
