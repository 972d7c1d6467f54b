import { open, stat, truncate, type FileHandle } from 'node:fs/promises'
import { addAbortSignal, Readable } from 'node:stream'
import type { ReadableStream as WebStream } from 'node:stream/web'
import { AppError, isAppError } from '../../shared/app-error.ts'
import type { DownloadOptions } from './provider.ts'

/**
 * The pieces every provider's `download` shares: asking for the rest of a file from an offset
 * (HTTP Range, RFC 9110 §14), reading what the server made of that request, and streaming the
 * bytes to disk with progress and cancelling. Each provider keeps its own requests and errors.
 */

/** The Range header for the rest of a file from `offset`; none for the whole file. */
export function rangeFrom(offset: number): Record<string, string> {
  return offset > 0 ? { range: `bytes=${offset}-` } : {}
}

/**
 * What the answer to a GET from `offset` holds:
 * - `rest`: a 206 starting at the offset, to be appended;
 * - `whole`: a 200, the server ignored the Range (allowed by RFC 9110 §14.2), so the file is
 *   written again from its first byte rather than appended whole;
 * - `complete`: a 416 whose `bytes * /size` equals the offset: nothing was left to fetch.
 */
export type RangeAnswer = 'rest' | 'whole' | 'complete'

export async function rangeAnswer(
  answer: { status: number; contentRange: string | null },
  offset: number,
  what: string,
  /** The file's size another way, for a 416 without the Content-Range that should say it. */
  sizeOf?: () => Promise<number | undefined>,
): Promise<RangeAnswer> {
  const { status, contentRange } = answer
  if (status === 200) return 'whole'
  if (status === 206 && offset > 0 && startOf(contentRange) === offset) return 'rest'
  if (status === 416 && offset > 0) {
    // Apache leaves the Content-Range out of its 416 (RFC 9110 has it only as a SHOULD).
    const size = unsatisfiedSize(contentRange) ?? (await sizeOf?.())
    if (size === offset) return 'complete'
  }
  throw new AppError(
    'provider_error',
    `The server answered ${status} (${contentRange ?? 'no Content-Range'}) to ${what} from byte ${offset}.`,
  )
}

/** "bytes 100-199/200" → 100. */
function startOf(contentRange: string | null): number | undefined {
  const match = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(contentRange?.trim() ?? '')
  return match ? Number(match[1]) : undefined
}

/** "bytes * /200" (written without the space) → 200: the size a 416 reports. */
function unsatisfiedSize(contentRange: string | null): number | undefined {
  const match = /^bytes \*\/(\d+)$/.exec(contentRange?.trim() ?? '')
  return match ? Number(match[1]) : undefined
}

/**
 * Streams `body` into `target` from byte `start`: 0 creates or empties the file; more keeps the
 * first `start` bytes already there and appends. One chunk at a time, so never the whole file in
 * memory, and progress counts bytes the file has. On abort it stops, keeps what was written, and
 * rejects with the signal's reason, as uploads do.
 */
export async function writeFrom(
  body: Readable | ReadableStream<Uint8Array>,
  target: string,
  start: number,
  options: DownloadOptions,
): Promise<void> {
  let file: FileHandle | undefined
  let source: Readable | undefined
  try {
    if (start > 0) await keepFirst(target, start)
    file = await open(target, start > 0 ? 'a' : 'w')
    // Made only now, and read at once: a Node stream made from a web body that broke while the
    // file was being opened would otherwise emit its 'error' with no listener, and crash us.
    source = body instanceof Readable ? body : Readable.fromWeb(body as WebStream<Uint8Array>)
    if (options.signal) addAbortSignal(options.signal, source)
    let done = start
    for await (const chunk of source as AsyncIterable<Buffer>) {
      await file.write(chunk)
      done += chunk.length
      options.onProgress?.(done)
    }
  } catch (error) {
    if (source) source.destroy()
    else if (!(body instanceof Readable)) await body.cancel().catch(() => {})
    else body.destroy()
    throw downloadError(error, target, options.signal)
  } finally {
    await file?.close()
  }
}

/** The offset names bytes the caller kept: a shorter file cannot be continued. */
async function keepFirst(target: string, start: number): Promise<void> {
  const { size } = await stat(target)
  if (size < start)
    throw new AppError(
      'usage',
      `${target} has ${size} bytes, fewer than the ${start} a resumed download was to keep.`,
    )
  if (size > start) await truncate(target, start)
}

/**
 * The error a broken download rejects with: the abort's own reason; a file system call failing
 * (ENOENT, ENOSPC …) means the target; anything else is the transfer, which a retry resumes.
 */
export function downloadError(error: unknown, target: string, signal?: AbortSignal): unknown {
  if (signal?.aborted) return signal.reason
  if (isAppError(error)) return error
  const local = typeof (error as NodeJS.ErrnoException | null)?.syscall === 'string'
  return local
    ? new AppError('destination_unavailable', `Cannot write ${target}.`, { cause: error })
    : new AppError('network', 'The download broke off.', { cause: error })
}
