import { ContentHasher } from './content-hash.ts'

/**
 * The optional `content_hash` argument of upload, start, append_v2 and finish: the Dropbox hash
 * of the bytes in that one request. Dropbox refuses a mismatch with 409 content_hash_mismatch
 * instead of storing it, so a chunk damaged on the way is re-sent alone and corrupt bytes are
 * never committed under the backup's name. `known` is that hash when already at hand (from the
 * whole-file hasher's block digests); only without it are the bytes hashed again.
 */
export function withRequestHash<T extends object>(arg: T, body: Uint8Array, known?: string): T {
  if (body.length === 0) return arg
  return { ...arg, content_hash: known ?? new ContentHasher().update(body).digest() }
}
