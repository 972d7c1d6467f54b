/** One request as the emulator saw it, for assertions on what the client sent. */
export interface RequestRecord {
  method: string
  path: string
  status: number
  /** Bytes of request body read (file content for PUT). */
  bodyBytes: number
  headers: Record<string, string | string[] | undefined>
}

export interface NextcloudUser {
  /** The user id that names DAV paths (`/remote.php/dav/files/<id>/`). */
  id: string
  /** What the user signs in with; differs from the id on purpose (as with e-mail logins). */
  loginName: string
  displayName: string
  email: string
}

export interface NextcloudEmulatorOptions {
  user?: Partial<NextcloudUser>
  /** Bytes the user may store; unlimited when left out. */
  quotaBytes?: number
  /** The emulator's clock (ms): login flows and upload folders expire by it. */
  now?: () => number
}

/** Faults a test can inject (not Nextcloud): matched by method and path prefix, FIFO. */
export type Fault =
  | { kind: 'drop_response' }
  | { kind: 'status'; status: 500 | 502 | 503 }
  | { kind: 'insufficient_storage' }
  | { kind: 'delay'; ms: number }

export interface FaultMatch {
  method: string
  /** A path prefix, e.g. "/remote.php/dav/uploads/". */
  path: string
}

export interface NextcloudEmulator {
  /** The server URL a user types in: http://127.0.0.1:<port>. */
  url: string
  user: NextcloudUser
  requests: RequestRecord[]
  close(): Promise<void>
  /** Test hook: the user approves the pending login whose page is `loginUrl`. */
  grantLogin(loginUrl: string): void
  /** Test hook: changes the quota (bytes; undefined for unlimited). */
  setQuota(bytes: number | undefined): void
  /** Test hook: every upload folder has been idle for over 24 h. */
  expireUploads(): void
  /** Test hook: the bytes stored at a path relative to the user's files root ("/a/b.tar.xz"). */
  stored(path: string): Buffer | undefined
  /** Test hook: every stored file path, sorted. */
  storedPaths(): string[]
  /** Test hook: bytes of request bodies received by PUT so far (files and chunks). */
  bytesReceived(): number
  /**
   * Test hook: once bytesReceived reaches `total`, PUT bodies are no longer read (the client is
   * held by back-pressure) until the returned function is called.
   */
  holdAt(total: number): () => void
  /** Test hook: bytes the user's files take (what the quota counts). */
  usedBytes(): number
  /** Test hook: app passwords that still work. */
  activeAppPasswords(): string[]
  /** Test hook: revokes every app password, as "Revoke" in the user's security settings. */
  revokeAppPasswords(): void
  /** Test hook: upload folders that exist, with their chunk numbers. */
  uploadFolders(): Array<{ id: string; chunks: number[] }>
  injectFault(match: FaultMatch, fault: Fault, times?: number): void
}
