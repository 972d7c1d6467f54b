import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { AppError } from '../../shared/app-error.ts'
import type { SourceFile } from './uploader.ts'

/** The file at `path` as it is now, ready to upload, or the error a user can act on. */
export async function sourceFileAt(path: string): Promise<SourceFile> {
  const absolute = resolve(path)
  let info
  try {
    info = await stat(absolute)
    await access(absolute, constants.R_OK)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AppError('file_missing', `${absolute} does not exist.`)
    }
    throw new AppError('permission_denied', `Cannot read ${absolute}.`, { cause: error })
  }
  if (!info.isFile()) {
    throw new AppError('not_a_file', `${absolute} is a folder or another kind of non-file.`)
  }
  return { path: absolute, name: basename(absolute), size: info.size, mtimeMs: info.mtimeMs }
}
