import type { CallOptions, DropboxApi } from './dropbox-api.ts'
import type { Sleep } from './retry-wait.ts'

/** What every step of one upload shares: the wire client, the abort signal, the retry wait. */
export interface UploadIo {
  api: DropboxApi
  signal: AbortSignal
  wait: Sleep
}

export function callOptions(io: UploadIo, idempotent = true): CallOptions {
  return { signal: io.signal, sleep: io.wait, idempotent }
}

export const EMPTY_BODY = new Uint8Array(0)
