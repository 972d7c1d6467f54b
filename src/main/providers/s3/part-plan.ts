/** S3's limits for multipart uploads ("Amazon S3 multipart upload limits"). */
export const MIN_PART_BYTES = 5 * 1024 * 1024
export const MAX_PARTS = 10_000
/** The largest object S3 stores. */
export const MAX_OBJECT_BYTES = 5 * 1024 ** 4
const MIB = 1024 * 1024

/**
 * The part size for a file: the app's chunk size, at least S3's 5 MiB minimum, and grown (in
 * whole MiB) so the file fits in 10,000 parts. A file no larger than one part goes up in a
 * single PutObject.
 */
export function partSizeFor(chunkSize: number, fileSize: number): number {
  const fits = Math.ceil(Math.ceil(fileSize / MAX_PARTS) / MIB) * MIB
  return Math.max(chunkSize, MIN_PART_BYTES, fits)
}

export function partCount(fileSize: number, partSize: number): number {
  return Math.max(1, Math.ceil(fileSize / partSize))
}

/** Part `n` (from 1): where it starts and how long it is. */
export function partRange(
  n: number,
  fileSize: number,
  partSize: number,
): { offset: number; length: number } {
  const offset = (n - 1) * partSize
  return { offset, length: Math.min(partSize, fileSize - offset) }
}
