import { copyFile, readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '../../../shared/app-error.ts'
import type { Credentials, Provider, RemoteEntry } from '../provider.ts'
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
      throw destinationError(dir, error)
    }
  },
  async download(credentials, remotePath, target) {
    const from = inside(credentials, remotePath)
    await copyFile(from, target).catch((error: unknown) => {
      throw destinationError(from, error)
    })
  },
  async remove(credentials, remotePath) {
    const path = inside(credentials, remotePath)
    await rm(path).catch((error: unknown) => {
      throw destinationError(path, error)
    })
  },
}
