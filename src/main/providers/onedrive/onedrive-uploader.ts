import type { ChunkSizer } from '../chunk-sizer.ts'
import { AppError } from '../../../shared/app-error.ts'
import { conflictName } from '../../uploads/conflict-name.ts'
import { SourceReader } from '../../uploads/source-reader.ts'
import type { RemoteFile, SourceFile, UploadContext, Uploader } from '../../uploads/uploader.ts'
import type { DriveItem } from './drive-item.ts'
import { itemPath, type GraphApi } from './graph-api.ts'
import { ensureFolder, itemAt } from './onedrive-files.ts'
import { UploadHashes } from './upload-hashes.ts'
import {
  fragmentSizer,
  NameTaken,
  sendFragments,
  SessionGone,
  SessionResume,
  sessionNext,
} from './upload-session.ts'

/** Graph's simple upload takes "up to 4 MB"; larger files go through an upload session. */
export const SIMPLE_UPLOAD_MAX = 4_000_000
/** How a copy was verified, by the algorithm of the hash Graph reported for it. */
const VERIFIED_BY: Record<string, string> = {
  sha256: "OneDrive's SHA-256",
  sha1: "OneDrive's SHA-1 (it reports no SHA-256 or QuickXorHash for that file)",
}
/** Copies "name (2)" … tried before giving up on a free name. */
const MAX_COPIES = 100

interface Placed {
  item: DriveItem
  remotePath: string
  renamed: boolean
  alreadyPresent: boolean
  hashes: UploadHashes
}

/**
 * Uploads into the OneDrive app folder. A name that is taken holds either the same bytes
 * (nothing is sent: alreadyPresent) or another file (this one becomes "name (2)"). Small files
 * go in one PUT; others through an upload session, resumable after a restart. The copy is
 * verified against the hash Graph reports, computed here in the same pass as the upload.
 */
export class OneDriveUploader implements Uploader {
  private readonly api: GraphApi
  /** One per uploader: what a fragment taught about the link carries over to the next file. */
  private readonly fragments: ChunkSizer

  constructor(api: GraphApi, chunkSize: number, adaptive?: boolean) {
    this.api = api
    this.fragments = fragmentSizer(chunkSize, adaptive)
  }

  async upload(
    file: SourceFile,
    remoteFolder: string,
    context: UploadContext,
  ): Promise<RemoteFile> {
    const reader = await SourceReader.open(file)
    try {
      const folder = remoteFolder.replace(/\/+$/, '')
      const placed =
        (await this.resumed(reader, context)) ?? (await this.place(reader, folder, context))
      return await verified(placed, file)
    } finally {
      await reader.close()
    }
  }

  /** Continues the session a crashed run left, if it is this file's and still open. */
  private async resumed(reader: SourceReader, context: UploadContext): Promise<Placed | undefined> {
    const saved = SessionResume.safeParse(context.resume)
    if (!saved.success) return undefined
    const resume = saved.data
    const { file } = reader
    if (resume.size !== file.size || Math.abs(resume.mtimeMs - file.mtimeMs) >= 1) return undefined
    try {
      const next = await sessionNext(this.api, resume, context.signal)
      const hashes = new UploadHashes(reader)
      const item = await sendFragments({
        ...this.session(reader, hashes, context),
        resume: { ...resume, next },
      })
      const renamed = !resume.remotePath.endsWith(`/${file.name}`)
      return { item, remotePath: resume.remotePath, renamed, alreadyPresent: false, hashes }
    } catch (error) {
      // Expired or taken meanwhile: start again the usual way, which looks at the name first.
      if (error instanceof SessionGone || error instanceof NameTaken) return undefined
      throw error
    }
  }

  /** Finds the name this file goes under, and sends it there unless it is there already. */
  private async place(
    reader: SourceReader,
    folder: string,
    context: UploadContext,
  ): Promise<Placed> {
    await ensureFolder(this.api, folder === '' ? '/' : folder, context.signal)
    for (let copy = 1; copy <= MAX_COPIES;) {
      const remotePath = `${folder}/${conflictName(reader.file.name, copy)}`
      const existing = await itemAt(this.api, remotePath, context.signal)
      if (existing) {
        if (await sameContent(reader, existing))
          return {
            item: existing,
            remotePath,
            renamed: copy > 1,
            alreadyPresent: true,
            hashes: new UploadHashes(reader),
          }
        copy++
        continue
      }
      const hashes = new UploadHashes(reader)
      try {
        const item = await this.send(reader, hashes, remotePath, context)
        return { item, remotePath, renamed: copy > 1, alreadyPresent: false, hashes }
      } catch (error) {
        // Taken between the look and the upload: look again at the same name.
        if (!(error instanceof NameTaken)) throw error
      }
    }
    throw new AppError(
      'provider_error',
      `No free name for ${reader.file.name} after ${MAX_COPIES} copies.`,
    )
  }

  private async send(
    reader: SourceReader,
    hashes: UploadHashes,
    remotePath: string,
    context: UploadContext,
  ) {
    if (reader.file.size <= SIMPLE_UPLOAD_MAX)
      return this.simple(reader, hashes, remotePath, context)
    for (;;) {
      const resume = await this.createSession(reader, remotePath, context)
      context.saveResume(resume)
      try {
        return await sendFragments({ ...this.session(reader, hashes, context), resume })
      } catch (error) {
        if (!(error instanceof SessionGone)) throw error
        // Expired mid-upload (they last about a day): a new session, from the first byte.
      }
    }
  }

  private async simple(
    reader: SourceReader,
    hashes: UploadHashes,
    remotePath: string,
    context: UploadContext,
  ) {
    const bytes = await reader.read(0, reader.file.size)
    await hashes.feed(0, bytes)
    await reader.checkUnchanged()
    const response = await this.api.call(
      `${itemPath(remotePath)}/content?@microsoft.graph.conflictBehavior=fail`,
      {
        method: 'PUT',
        body: bytes,
        accept: [409],
        signal: context.signal,
      },
    )
    if (response.status === 409) {
      await response.body?.cancel()
      throw new NameTaken()
    }
    context.onProgress(bytes.length)
    return (await response.json()) as DriveItem
  }

  private async createSession(
    reader: SourceReader,
    remotePath: string,
    context: UploadContext,
  ): Promise<SessionResume> {
    const response = await this.api.call(`${itemPath(remotePath)}/createUploadSession`, {
      method: 'POST',
      // fileSize lets OneDrive check the quota before any byte is sent.
      json: { item: { '@microsoft.graph.conflictBehavior': 'fail', fileSize: reader.file.size } },
      accept: [409],
      signal: context.signal,
    })
    if (response.status === 409) {
      await response.body?.cancel()
      throw new NameTaken()
    }
    const { uploadUrl } = (await response.json()) as { uploadUrl: string }
    return { uploadUrl, remotePath, size: reader.file.size, mtimeMs: reader.file.mtimeMs, next: 0 }
  }

  private session(reader: SourceReader, hashes: UploadHashes, context: UploadContext) {
    return { api: this.api, reader, hashes, context, fragments: this.fragments }
  }
}

/** Whether the item at the name holds this file's bytes, by the hash OneDrive reports. */
async function sameContent(reader: SourceReader, item: DriveItem): Promise<boolean> {
  if (!item.file || item.size !== reader.file.size) return false
  const { local, remote } = await new UploadHashes(reader).checksumFor(item)
  return remote !== undefined && remote === local.value
}

async function verified(placed: Placed, file: SourceFile): Promise<RemoteFile> {
  const { local, remote } = await placed.hashes.checksumFor(placed.item)
  if (remote === undefined)
    throw new AppError('verification_failed', `OneDrive reported no hash for ${placed.remotePath}.`)
  if (remote !== local.value || placed.item.size !== file.size)
    throw new AppError(
      'verification_failed',
      `OneDrive's ${local.algorithm} of ${placed.remotePath} differs from the local file's.`,
    )
  return {
    remotePath: placed.remotePath,
    checksum: local,
    verifiedBy: VERIFIED_BY[local.algorithm] ?? "OneDrive's QuickXorHash",
    size: file.size,
    renamed: placed.renamed,
    alreadyPresent: placed.alreadyPresent,
  }
}
