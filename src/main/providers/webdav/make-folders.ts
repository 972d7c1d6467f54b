import { AppError } from '../../../shared/app-error.ts'
import type { WebdavClient } from './webdav-client.ts'
import { segments } from './webdav-paths.ts'

/**
 * Makes sure the remote folder exists, creating each missing level with MKCOL from the top down
 * (RFC 4918 §9.3: MKCOL makes one level; a missing parent is 409). A level that already exists
 * answers 405 on Apache; rclone answers 201 even then, so both mean "it is there".
 */
export async function makeFolders(
  client: WebdavClient,
  folder: string,
  signal: AbortSignal,
): Promise<void> {
  const parts = segments(folder)
  if (parts.length === 0) return
  const found = await client.stat(folder, signal)
  if (found?.isFolder) return
  if (found) throw notAFolder(folder)
  let path = ''
  for (const part of parts) {
    path = `${path}/${part}`
    const status = await client.expect('MKCOL', path, [201, 405], { signal, isFolder: true })
    if (status === 405 && !(await client.stat(path, signal))?.isFolder) throw notAFolder(path)
  }
}

function notAFolder(path: string): AppError {
  return new AppError(
    'destination_unavailable',
    `"${path}" on the WebDAV server is a file, not a folder.`,
  )
}
