import { createHash } from 'node:crypto'
import { stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { AppError, isAppError } from '../../shared/app-error.ts'
import type { ErrorCode } from '../../shared/error-codes.ts'
import type { OpenConnection } from '../auth/connection-service.ts'
import type { RemoteEntry } from '../providers/provider.ts'
import type { Random } from '../net/jitter.ts'
import { askedWaitMs, backoffMs } from '../uploads/retry-policy.ts'

/** Tries per restore before a passing outage fails it; the partial is kept for the next run. */
export const DOWNLOAD_ATTEMPTS = 4

/** Failures that pass: the bytes on disk are good, and the next try asks only for the rest. */
const PASSING: readonly ErrorCode[] = ['network', 'rate_limited', 'provider_error']

/** The restore was stopped (Ctrl-C, a cancelled window) with `bytesKept` bytes on disk. */
export class RestoreStopped extends AppError {
  readonly bytesKept: number

  constructor(bytesKept: number) {
    super('restore_stopped')
    this.bytesKept = bytesKept
  }
}

/**
 * The partial file's name beside the target: the same for the same remote file (path, size and
 * time), so a later restore of that backup finds it and continues; a changed file gets another.
 * Dotted, so a watcher on this folder (the app's own, say) skips it while it is partial.
 */
export function partialPath(toDir: string, entry: RemoteEntry): string {
  const key = `${entry.path}\n${entry.size}\n${entry.modified ?? ''}`
  const tag = createHash('sha256').update(key).digest('hex').slice(0, 8)
  return join(toDir, `.${entry.name}.${tag}.restoring`)
}

export interface PartialDownload {
  connection: Pick<OpenConnection, 'provider' | 'credentials' | 'context'>
  entry: RemoteEntry
  partial: string
  onProgress?(bytesDone: number, size: number): void
  signal?: AbortSignal
  random?: Random
}

/**
 * Brings `partial` up to the remote file's size: from what is already there (an earlier run's
 * bytes), and again from what arrived after a passing failure, a few times with backoff. The
 * partial is kept when it stops, so nothing that arrived is fetched twice.
 */
export async function downloadPartial(download: PartialDownload): Promise<void> {
  const { entry, signal } = download
  for (let attempt = 1; ; attempt++) {
    const offset = await keptBytes(download.partial, entry.size)
    download.onProgress?.(offset, entry.size)
    // A Range starting at the end is unsatisfiable (416): a complete partial needs no request.
    if (offset === entry.size && offset > 0) return
    try {
      await fetchRest(download, offset)
      if (signal?.aborted) throw new RestoreStopped(await sizeOf(download.partial))
      return
    } catch (error) {
      if (signal?.aborted) throw new RestoreStopped(await sizeOf(download.partial))
      if (!passing(error) || attempt >= DOWNLOAD_ATTEMPTS) throw error
      const wait =
        error.code === 'rate_limited' && error.retryAfterMs !== undefined
          ? askedWaitMs(error, download.random)
          : backoffMs(attempt, download.random)
      await sleep(wait, undefined, { signal }).catch(() => {})
      if (signal?.aborted) throw new RestoreStopped(await sizeOf(download.partial))
    }
  }
}

async function fetchRest(download: PartialDownload, offset: number): Promise<void> {
  const { provider, credentials, context } = download.connection
  const { entry, signal } = download
  await provider.download(credentials, entry.path, download.partial, context, {
    offset,
    signal,
    onProgress: (bytesDone) => download.onProgress?.(bytesDone, entry.size),
  })
}

/** The bytes an earlier run left; a partial larger than the remote file is stale: dropped. */
async function keptBytes(partial: string, size: number): Promise<number> {
  const kept = await sizeOf(partial)
  if (kept <= size) return kept
  await unlink(partial)
  return 0
}

async function sizeOf(path: string): Promise<number> {
  return stat(path).then(
    (s) => s.size,
    () => 0,
  )
}

function passing(error: unknown): error is AppError {
  return isAppError(error) && PASSING.includes(error.code)
}
