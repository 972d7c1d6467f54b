const MIB = 1024 * 1024

/**
 * Files up to this size go in one PUT; larger ones use chunked upload v2, which a restart can
 * resume. FTB_NEXTCLOUD_CHUNKED_THRESHOLD (bytes) overrides it, for tests and slow links.
 */
export const CHUNKED_THRESHOLD_BYTES = 10 * MIB

/** Chunking v2: every chunk but the last is 5 MB to 5 GB, named 1 to 10000 (chunking.rst). */
export const MIN_CHUNK_BYTES = 5 * MIB
export const MAX_CHUNK_BYTES = 5 * 1024 * MIB
export const MAX_CHUNKS = 10_000

/** Used when the app's chunk size (set for Dropbox, a multiple of 4 MiB) is under the minimum. */
export const DEFAULT_CHUNK_BYTES = 10 * MIB

/** The largest file chunking v2 can carry. */
export const MAX_FILE_BYTES = MAX_CHUNKS * MAX_CHUNK_BYTES

export function chunkedThreshold(env: NodeJS.ProcessEnv): number {
  const given = Number(env.FTB_NEXTCLOUD_CHUNKED_THRESHOLD)
  return Number.isSafeInteger(given) && given >= 0 ? given : CHUNKED_THRESHOLD_BYTES
}

/** The app's chunk size if chunking allows it, grown where 10000 chunks would not hold the file. */
export function chunkSizeFor(appChunkSize: number, fileSize: number): number {
  const chosen =
    appChunkSize >= MIN_CHUNK_BYTES && appChunkSize <= MAX_CHUNK_BYTES
      ? appChunkSize
      : DEFAULT_CHUNK_BYTES
  return Math.max(chosen, Math.ceil(fileSize / MAX_CHUNKS))
}
