import { randomBytes } from 'node:crypto'
import { AppError } from '../../../shared/app-error.ts'
import type { SourceFile, UploadContext } from '../../uploads/uploader.ts'
import { SourceReader } from '../../uploads/source-reader.ts'
import type { NextcloudClient } from './nextcloud-client.ts'
import { remoteFile, sameContent } from './remote-place.ts'

/** What a restart needs to go on with a chunked upload: saved before the first chunk is sent. */
export interface ChunkedResume {
  kind: 'nextcloud-chunking-v2'
  uploadId: string
  /** The file's path in the user's files. */
  destination: string
  size: number
  mtimeMs: number
  chunkSize: number
}

/** The saved state if it belongs to this very version of the file, else undefined. */
export function resumeFor(saved: unknown, file: SourceFile): ChunkedResume | undefined {
  const state = saved as Partial<ChunkedResume> | null | undefined
  if (state?.kind !== 'nextcloud-chunking-v2' || typeof state.uploadId !== 'string')
    return undefined
  if (state.size !== file.size || Math.abs((state.mtimeMs ?? 0) - file.mtimeMs) >= 1)
    return undefined
  if (typeof state.destination !== 'string' || typeof state.chunkSize !== 'number') return undefined
  return state as ChunkedResume
}

interface ChunkedArgs {
  file: SourceFile
  destination: string
  sha256: string
  chunkSize: number
  context: UploadContext
  /** A saved upload to continue; its folder may have expired, and then it starts over. */
  resume: ChunkedResume | undefined
}

/**
 * Chunked upload v2 (developer manual, WebDAV/chunking.rst): MKCOL an upload folder, PUT chunks
 * numbered from 1, then MOVE its ".file" onto the destination. Every request carries the same
 * Destination, and OC-Total-Length lets Nextcloud refuse a file that will not fit (507) before
 * any chunk is sent. After a restart, a PROPFIND of the folder says which chunks arrived whole.
 */
export async function chunkedUpload(client: NextcloudClient, args: ChunkedArgs): Promise<void> {
  const { file, context } = args
  const headers = {
    destination: client.filesUrl(args.destination),
    'oc-total-length': String(file.size),
  }
  const received = args.resume
    ? await receivedChunks(client, args.resume, headers, context.signal)
    : undefined
  const state = received && args.resume ? args.resume : await begin(client, args, headers)
  const reader = await SourceReader.open(file)
  try {
    let done = 0
    for (let n = 1, offset = 0; offset < file.size; n++, offset += state.chunkSize) {
      const length = Math.min(state.chunkSize, file.size - offset)
      if (received?.get(n) !== length) {
        const body = await reader.read(offset, length)
        await sendChunk(client, state, n, body, headers, context)
      }
      done += length
      context.onProgress(done)
    }
    await reader.checkUnchanged()
  } finally {
    await reader.close()
  }
  await assemble(client, args, state, headers)
}

/** The sizes of the chunks the upload folder holds, or undefined when it is gone (expired). */
async function receivedChunks(
  client: NextcloudClient,
  resume: ChunkedResume,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<Map<number, number> | undefined> {
  const entries = await client.propfind(
    client.uploadUrl(resume.uploadId),
    1,
    'looking at the chunks sent before',
    headers,
    signal,
  )
  if (!entries) return undefined
  const sizes = new Map<number, number>()
  for (const entry of entries) {
    const name = entry.path.slice(entry.path.lastIndexOf('/') + 1)
    if (!entry.isFolder && /^\d+$/.test(name)) sizes.set(Number(name), entry.size)
  }
  return sizes
}

async function begin(
  client: NextcloudClient,
  args: ChunkedArgs,
  headers: Record<string, string>,
): Promise<ChunkedResume> {
  const state: ChunkedResume = {
    kind: 'nextcloud-chunking-v2',
    uploadId: `ftb-${randomBytes(12).toString('hex')}`,
    destination: args.destination,
    size: args.file.size,
    mtimeMs: args.file.mtimeMs,
    chunkSize: args.chunkSize,
  }
  // 405: our first MKCOL went through but its answer was lost; the id is ours alone.
  await client.send('MKCOL', client.uploadUrl(state.uploadId), {
    headers,
    ok: [201, 405],
    what: `starting the upload of ${args.file.name}`,
    signal: args.context.signal,
  })
  args.context.saveResume(state)
  return state
}

async function sendChunk(
  client: NextcloudClient,
  state: ChunkedResume,
  n: number,
  body: Buffer,
  headers: Record<string, string>,
  context: UploadContext,
): Promise<void> {
  const response = await client.send('PUT', client.uploadUrl(state.uploadId, String(n)), {
    headers: { ...headers, 'content-type': 'application/octet-stream' },
    body,
    fileBytes: true,
    ok: [201, 204, 404],
    what: `sending chunk ${n}`,
    signal: context.signal,
  })
  if (response.status === 404) {
    // The folder expired (24 h idle) while we were away: the next attempt starts over.
    context.saveResume(null)
    throw new AppError(
      'provider_error',
      'Nextcloud expired the unfinished upload; it starts again.',
    )
  }
}

/** MOVE .file; a lost answer leaves the folder gone (404), so the destination is the judge. */
async function assemble(
  client: NextcloudClient,
  args: ChunkedArgs,
  state: ChunkedResume,
  headers: Record<string, string>,
) {
  const response = await client.send('MOVE', client.uploadUrl(state.uploadId, '.file'), {
    headers: {
      ...headers,
      'oc-checksum': `SHA256:${args.sha256}`,
      'x-oc-mtime': String(Math.floor(args.file.mtimeMs / 1000)),
    },
    ok: [201, 204, 404],
    what: `assembling ${args.file.name}`,
    signal: args.context.signal,
  })
  if (response.status !== 404) return
  if (
    sameContent(
      await remoteFile(client, args.destination, args.context.signal),
      args.file,
      args.sha256,
    )
  )
    return
  args.context.saveResume(null)
  throw new AppError(
    'provider_error',
    'Nextcloud lost the unfinished upload before it was assembled; it starts again.',
  )
}
