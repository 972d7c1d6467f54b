import { AppError } from '../../../shared/app-error.ts'
import { HASH_BLOCK_SIZE } from './content-hash.ts'

const MiB = 1024 * 1024

/** files.stone: "A single request should not upload more than 150 MiB." */
export const MAX_REQUEST_BYTES = 150 * MiB
/** files.stone UploadSessionLookupError.too_large: the largest file a session can commit. */
export const MAX_FILE_BYTES = 2 ** 41 - 2 ** 22
/** files.stone upload_session/start: a session can be used for 7 days. */
export const SESSION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000
export const DEFAULT_CHUNK_SIZE = 8 * MiB
/** Adaptive chunk sizes: 4 MiB multiples (concurrent sessions require them), at most 150 MiB. */
export const DROPBOX_CHUNK_RULES = {
  granule: HASH_BLOCK_SIZE,
  min: HASH_BLOCK_SIZE,
  max: MAX_REQUEST_BYTES,
}

/**
 * 4 MiB multiples keep every request aligned with content-hash blocks (and would satisfy
 * concurrent sessions too); 150 MiB is the per-request cap.
 */
export function checkedChunkSize(chunkSize: number = DEFAULT_CHUNK_SIZE): number {
  const aligned = Number.isSafeInteger(chunkSize) && chunkSize % HASH_BLOCK_SIZE === 0
  if (aligned && chunkSize > 0 && chunkSize <= MAX_REQUEST_BYTES) return chunkSize
  throw new AppError(
    'usage',
    `The Dropbox chunk size must be a multiple of 4 MiB and at most 150 MiB (got ${chunkSize}).`,
  )
}
