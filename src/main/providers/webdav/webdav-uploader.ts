import { createHash } from 'node:crypto'
import { AppError } from '../../../shared/app-error.ts'
import { conflictName } from '../../uploads/conflict-name.ts'
import type { RemoteFile, SourceFile, UploadContext, Uploader } from '../../uploads/uploader.ts'
import { makeFolders } from './make-folders.ts'
import { putFile } from './put-file.ts'
import { remoteSha256, serverSha256 } from './remote-content.ts'
import { sourceSha256 } from './source-hash.ts'
import { verifyUpload, type Verified } from './verify-upload.ts'
import type { WebdavClient } from './webdav-client.ts'
import { checkName, joinPath } from './webdav-paths.ts'

/** A name slot in the folder: free, or holding this very content already. */
type Slot = { copy: number; path: string; free: boolean }

/**
 * Uploads into <folder URL>/<remoteFolder>/<name>. The file is PUT under a temp name, checked,
 * then MOVEd to its name with `Overwrite: F` (RFC 4918 §10.6), so a half-written file never has
 * the final name and an existing file is never replaced: a name taken meanwhile (412) moves on
 * to the next "name (n)". Apache mod_dav and rclone serve webdav both implement MOVE.
 *
 * There is no resume: a plain PUT is all or nothing, so an upload interrupted by a crash starts
 * again from zero (the temp name is fixed per source file, so the next PUT replaces the part).
 */
export class WebdavUploader implements Uploader {
  private readonly client: WebdavClient

  constructor(client: WebdavClient) {
    this.client = client
  }

  async upload(
    file: SourceFile,
    remoteFolder: string,
    context: UploadContext,
  ): Promise<RemoteFile> {
    const { signal } = context
    signal.throwIfAborted()
    checkName(file.name)
    await makeFolders(this.client, remoteFolder, signal)
    const sha256 = await sourceSha256(file.path, signal)
    const first = await this.findSlot(remoteFolder, file, sha256, 1, signal)
    if (!first.free) {
      context.onProgress(file.size)
      return present(first, file, sha256)
    }
    const temp = joinPath(remoteFolder, tempName(file))
    try {
      const verified = await this.send(temp, remoteFolder, file, sha256, context)
      const placed = await this.place(temp, remoteFolder, file, sha256, first, signal)
      if (!placed.free) return present(placed, file, sha256)
      return {
        remotePath: placed.path,
        ...verified,
        size: file.size,
        renamed: placed.copy > 1,
        alreadyPresent: false,
      }
    } catch (error) {
      // Best effort: the next attempt's PUT replaces a part left behind anyway.
      await this.client.expect('DELETE', temp, [204, 200, 404]).catch(() => {})
      throw error
    }
  }

  /** PUT (creating the folder if it vanished meanwhile), then the checks of verify-upload.ts. */
  private async send(
    temp: string,
    folder: string,
    file: SourceFile,
    sha256: string,
    context: UploadContext,
  ): Promise<Verified> {
    let sent = await putFile(this.client, temp, file, sha256, context)
    if (sent === 'missing-parent') {
      await makeFolders(this.client, folder, context.signal)
      sent = await putFile(this.client, temp, file, sha256, context)
      if (sent === 'missing-parent')
        throw new AppError(
          'destination_unavailable',
          `The WebDAV folder "${folder}" cannot be created.`,
        )
    }
    return verifyUpload(this.client, temp, sent, context.signal)
  }

  /**
   * MOVEs the checked temp to `first` (free when last looked); Overwrite: F never replaces, so a
   * name taken meanwhile answers 412 and the next free name, or this content, is looked for.
   */
  private async place(
    temp: string,
    folder: string,
    file: SourceFile,
    sha256: string,
    first: Slot,
    signal: AbortSignal,
  ): Promise<Slot> {
    for (let slot = first; ;) {
      const status = await this.client.expect('MOVE', temp, [201, 204, 412], {
        headers: { destination: this.client.destination(slot.path), overwrite: 'F' },
        signal,
      })
      if (status !== 412) return slot
      slot = await this.findSlot(folder, file, sha256, slot.copy, signal)
      if (!slot.free) {
        await this.client.expect('DELETE', temp, [204, 200, 404], { signal })
        return slot
      }
    }
  }

  /** From "name (start)" on: the first name that is free or already holds this content. */
  private async findSlot(
    folder: string,
    file: SourceFile,
    sha256: string,
    start: number,
    signal: AbortSignal,
  ): Promise<Slot> {
    for (let copy = start; ; copy++) {
      const path = joinPath(folder, conflictName(file.name, copy))
      const found = await this.client.stat(path, signal)
      if (!found) return { copy, path, free: true }
      if (!found.isFolder && found.size === file.size && (await this.holds(path, sha256, signal)))
        return { copy, path, free: false }
    }
  }

  /**
   * Whether the remote file has this content: by the server's SHA-256 where it keeps one, else by
   * reading it back whole. Ends alone are not enough here: a false "same" would skip a backup.
   */
  private async holds(path: string, sha256: string, signal: AbortSignal): Promise<boolean> {
    const server = await serverSha256(this.client, path, signal)
    return (server ?? (await remoteSha256(this.client, path, signal))) === sha256
  }
}

/**
 * A dotted name (hidden from listings and file watchers) fixed per source file: a restarted
 * upload replaces its own part instead of leaving another one behind.
 */
function tempName(file: SourceFile): string {
  return `.ftb-upload-${createHash('sha256').update(file.path).digest('hex').slice(0, 16)}.part`
}

function present(slot: Slot, file: SourceFile, sha256: string): RemoteFile {
  return {
    remotePath: slot.path,
    checksum: { algorithm: 'sha256', value: sha256 },
    verifiedBy: 'already there: same size and SHA-256',
    size: file.size,
    renamed: slot.copy > 1,
    alreadyPresent: true,
  }
}
