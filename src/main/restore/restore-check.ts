import { stat } from 'node:fs/promises'
import { AppError } from '../../shared/app-error.ts'
import { ERROR_CODES } from '../../shared/error-codes.ts'
import type { Provider, RemoteEntry } from '../providers/provider.ts'
import type { Job } from '../uploads/job-types.ts'
import { localChecksum } from '../uploads/local-checksum.ts'

export interface RestoreCheck {
  /** Whether a checksum matched: the size alone is not verification. */
  verified: boolean
  /** What the bytes were checked against, or why only by their size. */
  by: string
}

interface Expected {
  algorithm: string
  value: string
  by: string
}

/**
 * Checks a downloaded backup against every checksum there is for it that can be computed here:
 * the one the destination keeps and lists (the stored file's own), and the one our upload
 * recorded. Both must match: a copy changed at the destination gets a fresh checksum there that
 * its own bytes satisfy, and only the record of the upload tells it is no longer what was sent.
 * With neither, what the provider's download checked itself; with nothing, the size alone, and
 * the result says so and why. A checksum that differs throws `restore_mismatch`.
 */
export async function checkRestored(
  provider: Pick<Provider, 'downloadCheck' | 'localChecksum'>,
  file: string,
  entry: RemoteEntry,
  job: Job | undefined,
): Promise<RestoreCheck> {
  const { size } = await stat(file)
  if (size !== entry.size)
    throw restoreMismatch(entry, `${size} bytes arrived, ${entry.size} expected`)
  // The listed and the recorded checksum are often the same algorithm: read the file once each.
  const computed = new Map<string, Promise<string | null>>()
  const checksumOf = async (algorithm: string) =>
    (await localChecksum(file, algorithm)) ??
    (await provider.localChecksum?.(algorithm, file)) ??
    null
  let matched: string | undefined
  for (const expected of expectations(entry, job)) {
    if (!computed.has(expected.algorithm))
      computed.set(expected.algorithm, checksumOf(expected.algorithm))
    const actual = await computed.get(expected.algorithm)!
    // An algorithm nobody here can compute is no evidence either way: try the next.
    if (actual === null) continue
    if (actual !== expected.value)
      throw restoreMismatch(entry, `${expected.algorithm} differs from ${expected.by}`)
    // The best evidence names the result; the rest must agree with it all the same.
    matched ??= expected.by
  }
  if (matched) return { verified: true, by: matched }
  if (provider.downloadCheck) return { verified: true, by: provider.downloadCheck }
  return { verified: false, by: `its size only: ${sizeOnlyReason(job)}` }
}

function expectations(entry: RemoteEntry, job: Job | undefined): Expected[] {
  const found: Expected[] = []
  if (entry.checksum)
    found.push({
      ...entry.checksum,
      by: `${entry.checksum.algorithm} kept by the destination`,
    })
  if (job?.contentHash && job.checksumAlgorithm)
    found.push({
      algorithm: job.checksumAlgorithm,
      value: job.contentHash,
      by: `${job.checksumAlgorithm} recorded at upload`,
    })
  return found
}

function sizeOnlyReason(job: Job | undefined): string {
  return job
    ? 'the destination keeps no checksum for it, and none that can be checked was recorded at its upload'
    : 'the destination keeps no checksum for it, and it was not uploaded by this app'
}

const NOTHING_RESTORED = 'The copy at the destination is damaged: nothing was restored.'

export function restoreMismatch(entry: Pick<RemoteEntry, 'name'>, detail: string): AppError {
  return new AppError(
    'restore_mismatch',
    `${entry.name} does not match its upload (${detail}). ${NOTHING_RESTORED}`,
  )
}

/** The provider's own check of what it sent (Dropbox's content hash, S3's byte count) failed. */
export function providerMismatch(error: AppError): AppError {
  // Its own fix speaks of an upload being retried: only the cause applies to a download.
  const cause = error.message.replace(` ${ERROR_CODES.verification_failed.fix}`, '')
  return new AppError('restore_mismatch', `${cause} ${NOTHING_RESTORED}`)
}
