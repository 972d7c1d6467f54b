import type { ProviderId } from '../../shared/provider-settings.ts'
import type { OAuthProvider } from '../auth/oauth-provider.ts'
import type { LoopbackHost, RedirectKind } from '../auth/redirect-receiver.ts'
import type { FetchFn } from '../net/fetch-with-retry.ts'
import type { RoutedAgents } from '../net/routed-agents.ts'
import type { Uploader } from '../uploads/uploader.ts'

/**
 * The one port every storage provider implements. The engine (auth, uploads, the CLI, IPC and
 * the window) works only from this interface and the registry; nothing outside providers/ names
 * a provider. Modelled on Fermentrack 2's abstract provider class and Kasm's provider form.
 */
export interface Provider {
  readonly id: ProviderId
  readonly displayName: string
  /** How a user proves who they are (see AuthMethod). */
  readonly auth: AuthMethod
  /** OAuth providers: the defaults of Kasm's fields (env may point them at a test server). */
  oauthDefaults?(env: NodeJS.ProcessEnv): OAuthDefaults
  /**
   * OAuth providers: the redirects it accepts, the first being the default; absent, all of them
   * (Google accepts no custom scheme and no pasted code, so it says ['loopback']).
   */
  readonly redirects?: readonly RedirectKind[]
  /**
   * OAuth providers: true when any loopback port is accepted (Google's desktop clients,
   * Microsoft's public clients), so the OS picks a free one; otherwise the registered, fixed port
   * (Dropbox matches it exactly).
   */
  readonly anyLoopbackPort?: boolean
  /**
   * OAuth providers: the loopback redirect's host as the provider's registration writes it;
   * absent, 127.0.0.1. Microsoft's "Mobile and desktop" platform takes `http://localhost` as
   * entered, while an http 127.0.0.1 URI must be added through the app's manifest.
   */
  readonly loopbackHost?: LoopbackHost
  /** What `connect` asks for (CLI flags, the window's form); secrets are marked. */
  readonly connectFields: readonly ConnectField[]
  /** The largest file it takes, in bytes. */
  readonly maxFileBytes: number
  /** The README anchor that explains its setup. */
  readonly docsAnchor: string
  /** Whether it can be used with these settings, and if not, one sentence saying what to do. */
  isEnabled(settings: ProviderSettings): { enabled: boolean; reason?: string }
  /** OAuth providers: the client a sign-in and a token refresh use. */
  oauthClient?(context: ProviderContext): OAuthProvider
  /** Checks what the user gave (or the fresh OAuth tokens) against the server. */
  connect(request: ConnectRequest, context: ProviderContext): Promise<Connected>
  uploader(credentials: Credentials, context: ProviderContext): Uploader
  account(credentials: Credentials, context: ProviderContext): Promise<AccountInfo>
  /** Revokes the access at the provider where it can be revoked (tokens, app passwords). */
  disconnect(credentials: Credentials, context: ProviderContext): Promise<void>
  /** The files directly in `folder` (absolute, "/" for the root of what the connection sees). */
  list(credentials: Credentials, folder: string, context: ProviderContext): Promise<RemoteEntry[]>
  /**
   * Writes the remote file at `remotePath` to the local file `target`: created or replaced, or,
   * with `options.offset`, appended to from that byte (an HTTP Range request), so an interrupted
   * restore goes on where it stopped.
   */
  download(
    credentials: Credentials,
    remotePath: string,
    target: string,
    context: ProviderContext,
    options?: DownloadOptions,
  ): Promise<void>
  /** Deletes the remote file; one already gone is no error, as what was asked for is done. */
  remove(credentials: Credentials, remotePath: string, context: ProviderContext): Promise<void>
  /**
   * What its `download` checks the bytes against, where it checks more than their count (Dropbox:
   * the content hash it reports), said as a restore reports it; absent when it checks nothing.
   */
  readonly downloadCheck?: string
  /**
   * The checksum of a local file by one of this provider's own algorithms (the one its uploads
   * record, such as Dropbox's content hash), so a download can be checked against that record;
   * null for an algorithm it does not know. Generic ones (sha256, md5) need no provider.
   */
  localChecksum?(algorithm: string, localPath: string): Promise<string | null>
}

/**
 * - oauth-pkce: a sign-in in the system browser (Dropbox, Google Drive, OneDrive).
 * - login-flow: the provider's own browser flow hands back an app password (Nextcloud).
 * - password: a user name and password typed in (WebDAV).
 * - access-keys: an access key id and secret (S3).
 * - none: nothing to prove (a local folder).
 */
export type AuthMethod = 'oauth-pkce' | 'login-flow' | 'password' | 'access-keys' | 'none'

export interface OAuthDefaults {
  authorizationUrl: string
  authorizationUrlOptions: Record<string, string>
  tokenUrl: string
  scopes: readonly string[]
  /** Whether its desktop clients carry a client secret (Google's do; Dropbox's never). */
  usesClientSecret: boolean
  /** The environment variables that may hold the client id, first wins (DROPBOX_APP_KEY …). */
  clientIdEnv: readonly string[]
}

export interface ConnectField {
  /** The CLI flag without dashes; a secret is read from stdin with `--<name>-stdin`. */
  name: string
  label: string
  kind: 'url' | 'text' | 'secret' | 'flag'
  required: boolean
  /** A short hint, shown under the field and in `--help`. */
  hint?: string
}

/** A provider's effective settings: defaults, then the built-in key, then env, then the user's. */
export interface ProviderSettings {
  enabled: boolean
  clientId: string | null
  clientSecret: string | null
  authorizationUrl: string
  authorizationUrlOptions: Record<string, string>
  tokenUrl: string
  scopes: string[]
  redirectUris: string[]
  /** The remote folder backups go to, absolute. */
  defaultTarget: string
}

/** What a provider is given for each call: its settings and the engine's seams. */
export interface ProviderContext {
  settings: ProviderSettings
  env: NodeJS.ProcessEnv
  fetch: FetchFn
  /**
   * For requests whose body is file bytes (a Buffer, or a Node stream with a content-length):
   * node:http in the app, which sends them without fetch's copies and web-stream adapters; the
   * same as `fetch` where tests substitute one. Absent: use `fetch`.
   */
  uploadFetch?: FetchFn
  /**
   * node:http agents on the engine's proxy route, for an SDK that brings its own transport (the
   * S3 client). Absent: the SDK's default agents, direct.
   */
  agents?: RoutedAgents
  /** Bytes per request for chunked uploads, where the provider lets us choose. */
  chunkSize: number
  /** Chunks of one upload on the wire at once, where the provider's protocol allows it. */
  parallelChunks?: number
  /** Whether chunk sizes follow the measured rate (ChunkSizer); absent = true. */
  adaptiveChunks?: boolean
  now: () => number
}

/** Where OAuth access tokens come from; the engine's TokenManager refreshes them. */
export interface AccessTokens {
  accessToken(): Promise<string>
  renewAfterRejection(rejected: string): Promise<string>
  /** The provider refused even a renewed token: the connection must be signed in again. */
  markRevoked(rejected: string): Promise<void>
  /** The app lacks a permission (`scope`): a reconnect must follow the fix. */
  markMissingPermission(rejected: string, scope: string): Promise<void>
}

export type ConnectionConfig = Record<string, string | boolean>

export interface ConnectRequest {
  /** The connect fields' values (secrets included, read from stdin or the window's form). */
  fields: Record<string, string | boolean>
  /** OAuth providers: the tokens the sign-in just obtained. */
  tokens?: AccessTokens
  /** Login-flow providers: called once with the page the user must open. */
  onLoginUrl?(url: string): void | Promise<void>
  signal?: AbortSignal
}

export interface AccountSummary {
  id: string
  name: string
  email: string
}

export interface SpaceUsage {
  used: number
  allocated: number
}

export interface AccountInfo {
  account: AccountSummary
  space: SpaceUsage | null
}

export interface Connected extends AccountInfo {
  /** Kept in the settings with the connection: never a secret. */
  config: ConnectionConfig
  /** Kept in the secret store (a password, keys); null for OAuth, whose tokens the engine keeps. */
  secret: Record<string, string> | null
}

export interface Credentials {
  connectionId: string
  config: ConnectionConfig
  /** OAuth providers: a token source that refreshes itself. */
  tokens: AccessTokens | null
  /** The rest: what `connect` returned as `secret`. */
  secret: Record<string, string> | null
  /** The server refused the stored password or keys: the connection waits for a reconnect. */
  rejected(): Promise<void>
}

export interface RemoteEntry {
  name: string
  /** Absolute, as `download` and `remove` take it. */
  path: string
  size: number
  /** ISO time, where the provider says. */
  modified: string | null
  isFolder: boolean
  /**
   * The checksum the provider keeps for the file and lists with it (Dropbox's content hash, a
   * Nextcloud checksum, an S3 checksum), in the algorithm names uploads record; absent if none.
   */
  checksum?: { algorithm: string; value: string }
}

export interface DownloadOptions {
  /** Bytes of `target` already downloaded and kept: only the rest is fetched and appended. */
  offset?: number
  /** Called as bytes arrive, with the total written to `target` so far (offset included). */
  onProgress?(bytesDone: number): void
  signal?: AbortSignal
}
