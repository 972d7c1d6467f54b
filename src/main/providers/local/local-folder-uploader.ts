import { mkdir, open, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '../../../shared/app-error.ts'
import { sha256File as hashFile } from '../../uploads/file-sha256.ts'
import type { RemoteFile, SourceFile, UploadContext, Uploader } from '../../uploads/uploader.ts'
import { usableCopyResume } from './copy-resume.ts'
import { removeLeftoverTemps } from './leftover-temps.ts'
import { destinationError, isErrno, missingRootError } from './local-errors.ts'
import { claimName, defaultLink, findSlot, holdsSameContent, type LinkFn } from './place-file.ts'
import { readSource } from './read-source.ts'
import { TempCopy } from './temp-copy.ts'

export interface LocalFolderOptions {
  /** The destination root (e.g. a NAS mount). It must exist: it is never created. */
  destination: string
  /** Test seam: a file system without hard links is simulated by a link that fails. */
  link?: LinkFn
}

/**
 * "Uploads" to a local or mounted folder: <destination>/<remoteFolder>/<name>, with the same
 * keep-both and already-present rules as Dropbox, and a copy that is never visible half-written.
 */
export class LocalFolderUploader implements Uploader {
  private readonly destination: string
  private readonly link: LinkFn

  constructor(options: LocalFolderOptions) {
    this.destination = options.destination
    this.link = options.link ?? defaultLink
  }

  async upload(
    file: SourceFile,
    remoteFolder: string,
    context: UploadContext,
  ): Promise<RemoteFile> {
    const { signal } = context
    signal.throwIfAborted()
    checkName(file.name)
    const dir = await this.prepareFolder(remoteFolder)
    const resume = usableCopyResume(context.resume, file)
    await removeLeftoverTemps(dir, file, resume?.temp)

    // Before writing anything, look for this content under its name or a "(n)" copy of it.
    let sourceHash: Promise<string> | undefined
    const hashSource = () => (sourceHash ??= readSource(file, { signal }))
    const same = (path: string) => holdsSameContent(path, file.size, hashSource, signal)
    const found = await findSlot(dir, file.name, 1, same)
    if (!found.slot.free) {
      await removeLeftoverTemps(dir, file)
      context.onProgress(file.size)
      return result(found.slot.path, await hashSource(), file.size, found.copy, true)
    }

    const temp = await TempCopy.open(dir, file, resume, join(dir, file.name))
    try {
      const contentHash = await temp.fill(file, join(dir, file.name), context)
      const placed = await this.place(temp.path, dir, file, found.copy, contentHash, signal)
      await temp.remove()
      await syncDir(dir)
      if (!placed.alreadyPresent) await verifyCopy(placed.path, contentHash, signal)
      return result(placed.path, contentHash, file.size, placed.copy, placed.alreadyPresent)
    } catch (error) {
      await temp.remove({ error, signal })
      throw error
    }
  }

  /** <destination>/<remoteFolder>, creating only the folders below the destination root. */
  private async prepareFolder(remoteFolder: string): Promise<string> {
    try {
      if (!(await stat(this.destination)).isDirectory()) throw missingRootError(this.destination)
    } catch (error) {
      if (error instanceof AppError) throw error
      if (isErrno(error, 'ENOENT', 'ENOTDIR')) throw missingRootError(this.destination, error)
      throw destinationError(this.destination, error)
    }
    let dir = this.destination
    for (const segment of folderSegments(remoteFolder)) {
      dir = join(dir, segment)
      // One level at a time (not recursive): a root unmounted meanwhile fails with ENOENT here
      // instead of being re-created on the local disk.
      await mkdir(dir).catch((error: unknown) => {
        if (!isErrno(error, 'EEXIST')) throw destinationError(dir, error)
      })
    }
    return dir
  }

  private async place(
    temp: string,
    dir: string,
    file: SourceFile,
    firstFree: number,
    contentHash: string,
    signal: AbortSignal,
  ): Promise<{ path: string; copy: number; alreadyPresent: boolean }> {
    const same = (path: string) =>
      holdsSameContent(path, file.size, () => Promise.resolve(contentHash), signal)
    // Another writer may take a free name between the look and the claim: then look on.
    for (let start = firstFree; ;) {
      const { slot, copy } = await findSlot(dir, file.name, start, same)
      if (!slot.free) return { path: slot.path, copy, alreadyPresent: true }
      if (await claimName(temp, slot.path, this.link)) {
        return { path: slot.path, copy, alreadyPresent: false }
      }
      start = copy
    }
  }
}

/**
 * Reads the placed file back from the destination and hashes it. Comparing with the hash of the
 * bytes we wrote catches truncation and mix-ups by a NAS or a share; a copy still in the OS cache
 * may read back from memory, so failing disk media is not proven good by this.
 */
async function verifyCopy(path: string, expected: string, signal: AbortSignal): Promise<void> {
  let actual: string
  try {
    actual = await hashFile(path, signal)
  } catch (error) {
    throw destinationError(path, error)
  }
  if (actual === expected) return
  // The name was ours alone (claimed without clobbering), so removing the bad copy is safe.
  await unlink(path).catch(() => {})
  throw new AppError(
    'verification_failed',
    `The copy "${path}" read back with a different content hash and was removed.`,
  )
}

// Makes the new name durable. Windows cannot open a directory, and some network file systems
// refuse to fsync one; the file itself is already synced, so this is best effort.
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return
  const handle = await open(dir, 'r').catch(() => undefined)
  await handle?.sync().catch(() => {})
  await handle?.close().catch(() => {})
}

// Backslash separates folders only on Windows; elsewhere it is an ordinary character.
const SEPARATORS = process.platform === 'win32' ? /[\\/]+/ : /\/+/

function folderSegments(remoteFolder: string): string[] {
  const segments = remoteFolder.split(SEPARATORS).filter((s) => s !== '' && s !== '.')
  if (segments.includes('..')) {
    throw new AppError('destination_unavailable', `The remote folder "${remoteFolder}" uses "..".`)
  }
  return segments
}

function checkName(name: string): void {
  if (
    name === '' ||
    name === '.' ||
    name === '..' ||
    name.includes('\0') ||
    SEPARATORS.test(name)
  ) {
    throw new AppError('destination_unavailable', `"${name}" cannot be used as a file name.`)
  }
}

function result(
  path: string,
  contentHash: string,
  size: number,
  copy: number,
  alreadyPresent: boolean,
): RemoteFile {
  return {
    remotePath: path,
    checksum: { algorithm: 'sha256', value: contentHash },
    verifiedBy: 'the copy read back and hashed, equal to the source',
    size,
    renamed: copy > 1,
    alreadyPresent,
  }
}
