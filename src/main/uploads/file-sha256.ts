import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'

const READ_BYTES = 1024 * 1024

/**
 * The SHA-256 of a file in hex, read into one reused buffer rather than a stream's fresh chunk
 * per read: with a stream, a hundred 5 MiB files allocated 500 MB for garbage collection to
 * sweep, about a tenth of the CLI's CPU in a profile. fs errors are thrown as they are; each
 * caller maps them to what they mean for it (file_missing, destination_unavailable …).
 */
export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  return (await fileDigests(path, ['sha256'], signal)).sha256!
}

/** Several digests of a file (hex, by node:crypto algorithm name) from one read of it. */
export async function fileDigests<A extends string>(
  path: string,
  algorithms: readonly A[],
  signal?: AbortSignal,
): Promise<Record<A, string>> {
  const hashes = algorithms.map((algorithm) => createHash(algorithm))
  const buffer = Buffer.allocUnsafe(READ_BYTES)
  const handle = await open(path, 'r')
  try {
    for (;;) {
      signal?.throwIfAborted()
      const { bytesRead } = await handle.read(buffer, 0, READ_BYTES, null)
      if (bytesRead === 0) break
      for (const hash of hashes) hash.update(buffer.subarray(0, bytesRead))
    }
  } finally {
    await handle.close()
  }
  return Object.fromEntries(algorithms.map((a, i) => [a, hashes[i]!.digest('hex')])) as Record<
    A,
    string
  >
}
