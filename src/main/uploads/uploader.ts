/** A settled backup file, as the watcher or the user handed it over. */
export interface SourceFile {
  path: string
  /** The name it gets at the destination (normally the file's own name). */
  name: string
  size: number
  mtimeMs: number
}

/** Where an upload ended up, as the destination itself reports it. */
export interface RemoteFile {
  /** e.g. "/Fermentrack Backups/2026-11-22T10.00.00.tar.xz", or a path in the local folder. */
  remotePath: string
  /**
   * The checksum the destination reports for what it holds (Dropbox content_hash, a SHA-256 the
   * server checked, S3's checksum …). The provider has compared it with the local file's, or it
   * fails the upload with verification_failed.
   */
  checksum: Checksum
  /** How the provider verified the copy, in words for the history: "server-checked SHA-256". */
  verifiedBy: string
  size: number
  /** True when a different file already held the name and this one was kept as "name (2).ext". */
  renamed: boolean
  /** True when an identical copy was already there, so nothing was sent. */
  alreadyPresent: boolean
}

export interface Checksum {
  /** e.g. "dropbox-content-hash", "sha256", "md5-etag", "size+ends". */
  algorithm: string
  value: string
}

export interface UploadContext {
  signal: AbortSignal
  /** Bytes of this file the destination has acknowledged so far. */
  onProgress(bytesDone: number): void
  /** What saveResume last stored for this job (an interrupted upload's session), if anything. */
  resume: unknown
  /** Persists resume state; called after each acknowledged chunk, before the next one is sent. */
  saveResume(state: unknown): void
  /**
   * Every byte is at the destination; what is left is a commit that may wait for others (e.g. to
   * join one batch). The queue then lets another job start, as this one only waits. Call it only
   * once the upload holds no chunk buffers any more. True when another upload to the same
   * destination was started in its place: a commit that waits for others may want to wait for
   * that one too.
   */
  awaitingCommit?(): boolean
}

/**
 * One destination's upload strategy. Errors are AppErrors whose code tells the queue what to do:
 * retry (network, rate_limited, provider_error, verification_failed, and destination_unavailable,
 * as a NAS may be remounted), wait and restart (file_changed), pause the connection
 * (needs_reauth), or fail (insufficient_space, file_missing, permission_denied, file_too_large).
 */
export interface Uploader {
  upload(file: SourceFile, remoteFolder: string, context: UploadContext): Promise<RemoteFile>
}
