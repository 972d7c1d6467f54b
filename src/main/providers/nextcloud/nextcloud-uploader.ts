import { AppError } from '../../../shared/app-error.ts'
import type { RemoteFile, SourceFile, UploadContext, Uploader } from '../../uploads/uploader.ts'
import { SourceReader } from '../../uploads/source-reader.ts'
import { chunkedUpload, resumeFor, type ChunkedResume } from './chunked-upload.ts'
import { sha256OfFile } from './file-sha256.ts'
import type { NextcloudClient } from './nextcloud-client.ts'
import { choosePlace, ensureFolder, remoteFile, sameContent, type Place } from './remote-place.ts'
import { chunkSizeFor } from './upload-limits.ts'

export interface NextcloudUploaderOptions {
  /** Files larger than this use chunked upload v2. */
  threshold: number
  /** The app's chunk size setting; chunkSizeFor fits it to chunking's rules. */
  chunkSize: number
}

const VERIFIED_BY = 'SHA-256 checked by Nextcloud on receipt (OC-Checksum), read back with the size'

/** Uploads into the user's files: one PUT for small files, resumable chunking v2 for large ones. */
export class NextcloudUploader implements Uploader {
  private readonly client: NextcloudClient
  private readonly options: NextcloudUploaderOptions

  constructor(client: NextcloudClient, options: NextcloudUploaderOptions) {
    this.client = client
    this.options = options
  }

  async upload(
    file: SourceFile,
    remoteFolder: string,
    context: UploadContext,
  ): Promise<RemoteFile> {
    const { signal } = context
    const sha256 = await sha256OfFile(file, signal)
    const resume = resumeFor(context.resume, file)
    const resumed = resume && (await this.resumedPlace(resume, file, sha256, signal))
    let place: Place
    if (resumed) place = resumed
    else {
      await ensureFolder(this.client, remoteFolder, signal)
      place = await choosePlace(this.client, remoteFolder, file, sha256, signal)
      if (place.identical) return this.result(place, file, sha256, true)
    }
    if (!place.identical) {
      if (file.size > this.options.threshold) {
        await chunkedUpload(this.client, {
          file,
          destination: place.path,
          sha256,
          chunkSize: resumed ? resume.chunkSize : chunkSizeFor(this.options.chunkSize, file.size),
          context,
          resume: resumed ? resume : undefined,
        })
      } else await this.putWhole(file, place.path, sha256, context)
    }
    await this.verify(place.path, file, sha256, signal)
    return this.result(place, file, sha256, false)
  }

  /**
   * Where an interrupted upload was going, if it can go on there: still free, or already holding
   * these bytes (the MOVE went through but the answer or the record of it was lost).
   */
  private async resumedPlace(
    resume: ChunkedResume,
    file: SourceFile,
    sha256: string,
    signal: AbortSignal,
  ): Promise<Place | undefined> {
    const entry = await remoteFile(this.client, resume.destination, signal)
    const renamed = !resume.destination.endsWith(`/${file.name}`)
    if (!entry) return { path: resume.destination, renamed, identical: false }
    if (sameContent(entry, file, sha256))
      return { path: resume.destination, renamed, identical: true }
    return undefined // someone else's file took the name meanwhile: choose again
  }

  private async putWhole(
    file: SourceFile,
    path: string,
    sha256: string,
    context: UploadContext,
  ): Promise<void> {
    const reader = await SourceReader.open(file)
    let body: Buffer
    try {
      body = await reader.read(0, file.size)
    } finally {
      await reader.close()
    }
    await this.client.send('PUT', this.client.filesUrl(path), {
      headers: {
        'content-type': 'application/octet-stream',
        'oc-checksum': `SHA256:${sha256}`,
        'x-oc-mtime': String(Math.floor(file.mtimeMs / 1000)),
      },
      body,
      fileBytes: true,
      ok: [201, 204],
      what: `uploading ${file.name}`,
      signal: context.signal,
    })
    context.onProgress(file.size)
  }

  /** What Nextcloud now holds at the path: its size and the SHA-256 it checked and stored. */
  private async verify(
    path: string,
    file: SourceFile,
    sha256: string,
    signal: AbortSignal,
  ): Promise<void> {
    const entry = await remoteFile(this.client, path, signal)
    if (sameContent(entry, file, sha256)) return
    const found = entry ? `${entry.size} bytes, SHA-256 ${entry.sha256 ?? 'not stored'}` : 'nothing'
    throw new AppError(
      'verification_failed',
      `Nextcloud holds ${found} at ${path}, not ${file.size} bytes with SHA-256 ${sha256}.`,
    )
  }

  private result(
    place: Place,
    file: SourceFile,
    sha256: string,
    alreadyPresent: boolean,
  ): RemoteFile {
    return {
      remotePath: place.path,
      checksum: { algorithm: 'sha256', value: sha256 },
      verifiedBy: VERIFIED_BY,
      size: file.size,
      renamed: place.renamed,
      alreadyPresent,
    }
  }
}
