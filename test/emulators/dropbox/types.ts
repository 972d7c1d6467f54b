/** Public types of the Dropbox API v2 emulator (see index.ts). */
import type { RateLimit } from './traffic-limits.ts'

export interface DropboxEmulatorOptions {
  /** The only client_id accepted. */
  appKey: string
  /** Registered redirect URIs; matched byte for byte, as Dropbox does. */
  redirectUris: string[]
  /**
   * The scopes ticked on the app's App Console Permissions tab; default every scope the emulator
   * knows. An authorization grants only these, whatever its `scope` asks for, so a route that
   * needs another one answers 401 missing_scope.
   */
  appScopes?: string[]
  /** Lifetime of access tokens; default 14400 (what Dropbox issues today). */
  accessTokenTtlSeconds?: number
  /** Where uploaded bytes live; default a fresh temp dir, removed on close. */
  storageDir?: string
  /** Allocation; default 2 TiB. Commits beyond it fail with insufficient_space. */
  quotaBytes?: number
  account?: { name: string; email: string }
  /** Clock in epoch milliseconds, for code/token/session expiry; default Date.now. */
  now?: () => number
  /**
   * Serve https with this key and certificate (a test CA's, for the proxy tests) instead of
   * http; the routes and their answers are the same.
   */
  tls?: { key: string; cert: string }
}

export interface RequestRecord {
  method: string
  /** Path without the query string. */
  path: string
  /** When the request arrived, by the emulator's clock (the `now` option), epoch ms. */
  receivedAt: number
  /** Response status; 0 while in flight or when no response was sent (reset/dropped). */
  status: number
  /** Request body bytes the emulator read. */
  bodyBytes: number
  /** The Range header it came with (content downloads), so tests can see what was asked. */
  range?: string
  /** Upload session requests: the Dropbox-API-Arg as parsed (an append's cursor and close). */
  arg?: unknown
  /** upload_session/finish_batch_v2: how many entries the request carried. */
  batchEntries?: number
}

export type Fault =
  | { kind: 'status'; status: 500 | 502 | 503 }
  | {
      kind: 'rate_limit'
      retryAfter: number
      body: 'json' | 'text'
      reason?: 'too_many_requests' | 'too_many_write_operations'
    }
  /** Destroy the socket after reading part of the request body; nothing is applied. */
  | { kind: 'reset_mid_body' }
  /** Apply the request fully, then destroy the socket without answering. */
  | { kind: 'drop_response' }
  /** Wait, then handle normally; if the client left meanwhile, nothing is applied. */
  | { kind: 'delay'; ms: number }
  /** The next commit on upload / upload_session/finish fails 409 insufficient_space. */
  | { kind: 'insufficient_space' }
  /** The next commit on upload / finish / delete_v2 fails 409 too_many_write_operations. */
  | { kind: 'too_many_write_operations' }

export interface FileMetadata {
  '.tag': 'file'
  id: string
  name: string
  path_lower: string
  path_display: string
  rev: string
  size: number
  client_modified: string
  server_modified: string
  content_hash: string
  is_downloadable: true
}

export interface FolderMetadata {
  '.tag': 'folder'
  id: string
  name: string
  path_lower: string
  path_display: string
}

/** A committed file: its metadata plus where its bytes are on disk. */
export type StoredFile = FileMetadata & { localPath: string }

export interface DropboxEmulator {
  /** 'http://127.0.0.1:<port>' (https with `tls`); serves the www, api and content routes alike. */
  url: string
  authorizeUrl: string
  close(): Promise<void>
  requests: RequestRecord[]
  count(path: string): number
  /** The most requests to `path` ever open at once, from arrival until answered or dropped. */
  peakInFlight(path: string): number
  /** Every code, access token and refresh token ever issued. */
  issuedSecrets(): string[]
  expireAccessTokens(): void
  /** The refresh token of each refresh_token grant the token endpoint honoured, in order. */
  refreshedWith(): string[]
  revokeAll(): void
  denyNextAuthorization(): void
  /** The account's allocation changes (a plan change): later commits beyond it fail insufficient_space. */
  setQuotaBytes(bytes: number): void
  /** Bytes the committed files take, as get_space_usage reports `used`. */
  usedBytes(): number
  /** The developer changes the Permissions tab: later sign-ins get these; issued tokens keep theirs. */
  setAppScopes(scopes: string[]): void
  /** Queue a fault for the next `times` (default 1) requests to `path`; '*' = any path. */
  injectFault(path: string, fault: Fault, times?: number): void
  /** Forgets the faults injected but not yet met. */
  clearFaults(): void
  /**
   * An app-wide rate limit over every route (all users and tokens together): a request beyond
   * `requestsPerSecond` in the last second gets 429 too_many_requests with Retry-After, in whole
   * seconds, until the window has room. Undefined lifts it.
   */
  setRateLimit(limit: RateLimit | undefined): void
  /** An outage: 503 (plain text, no Retry-After) to every request for `ms` from now. */
  startOutage(ms: number): void
  /** Snapshot: path_lower -> stored file. */
  files(): Map<string, StoredFile>
  lastAuthorizeParams: URLSearchParams | undefined
}
