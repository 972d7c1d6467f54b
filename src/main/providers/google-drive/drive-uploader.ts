import { AppError } from '../../../shared/app-error.ts'
import type { ChunkSizer } from '../chunk-sizer.ts'
import { conflictName } from '../../uploads/conflict-name.ts'
import { fileDigests } from '../../uploads/file-sha256.ts'
import { fileError, SourceReader } from '../../uploads/source-reader.ts'
import type { RemoteFile, SourceFile, UploadContext, Uploader } from '../../uploads/uploader.ts'
import type { DriveApi } from './drive-api.ts'
import { FILE_FIELDS, filesNamed, type DriveFileResource } from './drive-files.ts'
import { segmentsOf, type DriveFolders } from './drive-folders.ts'
import {
  driveChunkSizer,
  ResumableSession,
  SessionGone,
  sessionStateOf,
  type SessionState,
} from './resumable-session.ts'

const VERIFIED_BY = {
  sha256: "Google Drive's SHA-256 of what it stored",
  md5: "Google Drive's MD5 of what it stored (it reports no SHA-256 for that file)",
}
/** Drive's upload guide: multipart is for small files, 5 MB or less; larger ones go resumable. */
const MULTIPART_MAX_BYTES = 5 * 1000 * 1000
/** Names tried before giving up: "name (2)" … "name (99)". */
const MAX_COPIES = 99

/**
 * Uploads into Google Drive. Drive keeps two files of one name side by side, so it looks first:
 * the same name with the same bytes is already done, a different one makes "name (2)". A file
 * that fits in one chunk goes in one multipart request; larger ones go through a resumable
 * session that survives a restart. Drive's sha256Checksum of the result must equal ours, or
 * its md5Checksum when it reports no SHA-256 for a file (see sameBytesBy).
 */
export class DriveUploader implements Uploader {
  private readonly api: DriveApi
  private readonly folders: DriveFolders
  /** One per uploader: what a chunk taught about the link carries over to the next file. */
  private readonly sizer: ChunkSizer

  constructor(api: DriveApi, folders: DriveFolders, chunkSize: number, adaptive?: boolean) {
    this.api = api
    this.folders = folders
    this.sizer = driveChunkSizer(chunkSize, adaptive)
  }

  async upload(
    file: SourceFile,
    remoteFolder: string,
    context: UploadContext,
  ): Promise<RemoteFile> {
    const reader = await SourceReader.open(file)
    try {
      const digest = (algorithm: 'sha256' | 'md5') =>
        fileDigests(file.path, [algorithm], context.signal).then(
          (digests) => digests[algorithm],
          (error: unknown) => {
            throw context.signal.aborted ? context.signal.reason : fileError(error, file)
          },
        )
      const sha256 = await digest('sha256')
      let md5: Promise<string> | undefined
      const digests: Digests = { sha256, md5: () => (md5 ??= digest('md5')) }
      const saved = sessionStateOf(context.resume)
      const matches =
        saved?.sha256 === sha256 && saved.size === file.size && saved.remoteFolder === remoteFolder
      const resumed = matches ? await this.resume(saved, reader, context) : undefined
      if (resumed)
        return await this.verified(resumed, saved!.name, remoteFolder, file, digests, false)
      const folderId = await this.folders.find(remoteFolder, true, context.signal)
      const place = await this.place(folderId!, file.name, digests, context.signal)
      if (place.present)
        return await this.verified(place.present, place.name, remoteFolder, file, digests, true)
      const stored =
        file.size <= Math.min(this.sizer.size, MULTIPART_MAX_BYTES)
          ? await this.multipart(reader, file, place.name, folderId!, context)
          : await this.resumable(reader, file, place.name, folderId!, remoteFolder, sha256, context)
      await reader.checkUnchanged()
      return await this.verified(
        stored,
        place.name,
        remoteFolder,
        file,
        digests,
        false,
        place.copy > 1,
      )
    } finally {
      await reader.close()
    }
  }

  /** The first free name, or the copy already there with the same bytes. */
  private async place(folderId: string, name: string, digests: Digests, signal: AbortSignal) {
    for (let copy = 1; copy <= MAX_COPIES; copy++) {
      const candidate = conflictName(name, copy)
      const existing = await filesNamed(this.api, folderId, candidate, signal)
      for (const same of existing)
        if (await sameBytesBy(same, digests)) return { name: candidate, copy, present: same }
      if (existing.length === 0) return { name: candidate, copy, present: undefined }
    }
    throw new AppError(
      'provider_error',
      `Google Drive already holds ${MAX_COPIES} files named like ${name}.`,
    )
  }

  private async multipart(
    reader: SourceReader,
    file: SourceFile,
    name: string,
    folderId: string,
    context: UploadContext,
  ): Promise<DriveFileResource> {
    const boundary = `ftb-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`
    const meta = JSON.stringify({ name, parents: [folderId], modifiedTime: isoOf(file) })
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n${meta}\r\n--${boundary}\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      await reader.read(0, file.size),
      Buffer.from(`\r\n--${boundary}--`),
    ])
    const stored = await this.api.json<DriveFileResource>({
      method: 'POST',
      url: '/upload/drive/v3/files',
      query: { uploadType: 'multipart', fields: FILE_FIELDS },
      headers: { 'content-type': `multipart/related; boundary=${boundary}` },
      body,
      what: `the upload of ${name}`,
      upload: true,
      signal: context.signal,
    })
    context.onProgress(file.size)
    return stored
  }

  private async resumable(
    reader: SourceReader,
    file: SourceFile,
    name: string,
    folderId: string,
    remoteFolder: string,
    sha256: string,
    context: UploadContext,
  ): Promise<DriveFileResource> {
    const state = { name, remoteFolder, size: file.size, mtimeMs: file.mtimeMs, sha256 }
    for (let fresh = 0; ; fresh++) {
      const session = await ResumableSession.open(
        this.api,
        context,
        {
          name,
          folderId,
          modifiedTime: isoOf(file),
        },
        state,
      )
      try {
        return await session.finish(reader, this.sizer)
      } catch (error) {
        // A session that expired mid-way: one fresh start, then it is the queue's to retry.
        if (!(error instanceof SessionGone) || fresh > 0) throw gone(error)
      }
    }
  }

  /** Goes on with a saved session; undefined when Drive no longer knows it (start over). */
  private async resume(saved: SessionState, reader: SourceReader, context: UploadContext) {
    try {
      const { session, done } = await ResumableSession.reopen(this.api, context, saved)
      return done ?? (await session.finish(reader, this.sizer))
    } catch (error) {
      if (error instanceof SessionGone) {
        context.saveResume(null)
        return undefined
      }
      throw error
    }
  }

  private async verified(
    stored: DriveFileResource,
    name: string,
    remoteFolder: string,
    file: SourceFile,
    digests: Digests,
    alreadyPresent: boolean,
    renamed = name !== file.name,
  ): Promise<RemoteFile> {
    const by = Number(stored.size) === file.size ? await sameBytesBy(stored, digests) : undefined
    if (!by)
      throw new AppError(
        'verification_failed',
        `Google Drive holds ${name} with SHA-256 ${stored.sha256Checksum ?? 'unknown'} and ${stored.size ?? '?'} bytes, not the local ${digests.sha256} and ${file.size}.`,
      )
    const folder = segmentsOf(remoteFolder).join('/')
    return {
      remotePath: `/${folder ? folder + '/' : ''}${name}`,
      checksum: { algorithm: by, value: by === 'sha256' ? digests.sha256 : await digests.md5() },
      verifiedBy: VERIFIED_BY[by],
      size: file.size,
      renamed,
      alreadyPresent,
    }
  }
}

/**
 * The file's SHA-256, read before anything is sent, and its MD5, read only for a Drive file that
 * reports no SHA-256 (rare): not a second hash over every upload.
 */
interface Digests {
  sha256: string
  md5(): Promise<string>
}

/**
 * The checksum by which a Drive file is shown to hold these bytes, or undefined. Drive's file
 * resource has md5Checksum, sha1Checksum and sha256Checksum as separate, optional output fields;
 * the SHA ones came to the API later than MD5, so an older file may carry only md5Checksum. MD5
 * is the fall-back only when no SHA-256 is reported: a SHA-256 that differs is never overruled.
 */
async function sameBytesBy(
  stored: DriveFileResource,
  digests: Digests,
): Promise<'sha256' | 'md5' | undefined> {
  if (stored.sha256Checksum) return stored.sha256Checksum === digests.sha256 ? 'sha256' : undefined
  if (!stored.md5Checksum) return undefined
  return stored.md5Checksum === (await digests.md5()) ? 'md5' : undefined
}

function isoOf(file: SourceFile): string {
  return new Date(file.mtimeMs).toISOString()
}

function gone(error: unknown): unknown {
  return error instanceof SessionGone
    ? new AppError('provider_error', 'Google Drive lost the upload session twice.')
    : error
}
