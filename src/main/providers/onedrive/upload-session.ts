import { z } from 'zod'
import { AppError } from '../../../shared/app-error.ts'
import type { SourceReader } from '../../uploads/source-reader.ts'
import type { UploadContext } from '../../uploads/uploader.ts'
import { ChunkSizer } from '../chunk-sizer.ts'
import type { DriveItem } from './drive-item.ts'
import type { GraphApi } from './graph-api.ts'
import { readFailure, failureToError } from './graph-errors.ts'
import type { UploadHashes } from './upload-hashes.ts'

/** Graph's rules for uploadUrl fragments: multiples of 320 KiB, each under 60 MiB. */
export const FRAGMENT_UNIT = 320 * 1024
const MAX_FRAGMENT = 60 * 1024 * 1024 - FRAGMENT_UNIT

/** What saveResume keeps: enough to find the session again after a crash, for this file only. */
export const SessionResume = z.object({
  uploadUrl: z.string().url(),
  remotePath: z.string(),
  size: z.number(),
  mtimeMs: z.number(),
  next: z.number(),
})
export type SessionResume = z.infer<typeof SessionResume>

/** The session is gone (expired, cancelled): the upload starts again with a new one. */
export class SessionGone extends Error {}

/** The name was taken meanwhile (conflictBehavior fail, checked again at the last byte). */
export class NameTaken extends Error {}

/**
 * Fragment sizes: whole 320 KiB units under 60 MiB, starting from the user's chunk size and then
 * following the measured rate (Graph's sessions are sequential, so a fragment's round trip is
 * idle link time unless fragments are long enough).
 */
export function fragmentSizer(chunkSize: number, adaptive?: boolean): ChunkSizer {
  return new ChunkSizer(
    { granule: FRAGMENT_UNIT, min: FRAGMENT_UNIT, max: MAX_FRAGMENT },
    chunkSize,
    adaptive,
  )
}

interface SessionStatus {
  nextExpectedRanges?: string[]
}

/** The start of the first range the server still expects ("26-" → 26). */
function nextOf(status: SessionStatus, size: number): number {
  const first = status.nextExpectedRanges?.[0]
  const start = first === undefined ? size : Number(first.split('-')[0])
  if (!Number.isInteger(start) || start < 0 || start > size)
    throw new AppError(
      'provider_error',
      `OneDrive's upload session expects an odd range (${first}).`,
    )
  return start
}

export interface SessionUpload {
  api: GraphApi
  reader: SourceReader
  hashes: UploadHashes
  context: UploadContext
  fragments: ChunkSizer
  resume: SessionResume
}

/** Where an existing session stands (after a crash): its next byte, or SessionGone. */
export async function sessionNext(
  api: GraphApi,
  resume: SessionResume,
  signal: AbortSignal,
): Promise<number> {
  const response = await api.unauthenticated(resume.uploadUrl, { accept: [404], signal })
  if (response.status === 404) {
    await response.body?.cancel()
    throw new SessionGone()
  }
  return nextOf((await response.json()) as SessionStatus, resume.size)
}

/**
 * Sends the file from the session's next byte, fragment by fragment, in order, following
 * nextExpectedRanges; the token never goes to the uploadUrl. Each acknowledged fragment is
 * saved for a restart. Returns the item Graph made of the last fragment.
 */
export async function sendFragments(upload: SessionUpload): Promise<DriveItem> {
  const { api, reader, hashes, context, resume } = upload
  const size = reader.file.size
  let next = resume.next
  for (;;) {
    const length = Math.min(upload.fragments.size, size - next)
    const bytes = await reader.read(next, length)
    await hashes.feed(next, bytes)
    if (next + length === size) await reader.checkUnchanged()
    const sentAt = performance.now()
    const response = await api.unauthenticated(resume.uploadUrl, {
      method: 'PUT',
      body: bytes,
      headers: { 'content-range': `bytes ${next}-${next + length - 1}/${size}` },
      accept: [404, 409, 416],
      signal: context.signal,
    })
    if (response.status === 404) {
      await response.body?.cancel()
      throw new SessionGone()
    }
    if (response.status === 409) {
      const failure = await readFailure(response)
      if (failure.code === 'nameAlreadyExists') throw new NameTaken()
      throw failureToError(failure, 'the upload session')
    }
    if (response.status === 200 || response.status === 201)
      return (await response.json()) as DriveItem
    // 416: that range had arrived already (an answer lost on the way): ask where it stands.
    const from = next
    next =
      response.status === 416
        ? (await response.body?.cancel(), await sessionNext(api, resume, context.signal))
        : nextOf((await response.json()) as SessionStatus, size)
    if (response.status !== 416) upload.fragments.record(next - from, performance.now() - sentAt)
    context.onProgress(next)
    context.saveResume({ ...resume, next } satisfies SessionResume)
  }
}
