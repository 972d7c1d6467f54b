import type { Provider } from '../../src/main/providers/provider.ts'

/**
 * What a provider plugs into the conformance suite (test/conformance/suite.ts), in the way each
 * rclone backend plugs a remote into fstests: its real server (or strict emulator), started by
 * the test on 127.0.0.1, and a way to look at what that server stored without our client.
 *
 * A provider's file, test/conformance/<id>.conformance.test.ts, is just:
 *   describeConformance(myTarget)
 */
export interface ConformanceTarget {
  /** e.g. "webdav (rclone serve webdav)"; one provider may have several targets. */
  name: string
  provider: Provider
  /**
   * Starts a fresh, empty server: once per test file, and again for each test that spoils it
   * (a full account, revoked credentials).
   */
  start(): Promise<ConformanceServer>
  /**
   * Behaviours that mean nothing for this provider, each with the reason the suite states when
   * it skips them (a local folder has no credentials to revoke).
   */
  unsupported?: Partial<Record<UnsupportedCheck, string>>
}

export type UnsupportedCheck =
  'fullAccount' | 'revokedCredentials' | 'listedChecksum' | 'accessTokenExpiry'

export interface ConformanceServer {
  /**
   * A fresh FTB_HOME with this provider connected the way a user connects it (through the
   * CLI, or through the engine's ConnectionService), owner-only file secret store. Returns the
   * env to run the CLI with (FTB_HOME, FTB_SECRET_STORE=file, any test endpoints) and the
   * connection id.
   */
  connectHome(): Promise<{ env: NodeJS.ProcessEnv; home: string; connectionId: string }>
  /** The bytes the server holds at this remote path (as `RemoteFile.remotePath` gives it), read
   * from the server's own storage or its API, never through the provider under test. */
  stored(remotePath: string): Promise<Buffer | undefined>
  /** Bytes of file content the server has received so far (a counting proxy, or the server's
   * own counter): resume tests use it to prove that an interrupted upload was not re-sent. */
  bytesReceived(): number
  /**
   * Lets no more than `total` bytes (as bytesReceived counts them) reach the server, and holds the
   * rest until the returned function is called, so the kill test kills an upload at a known point
   * (CountingProxy.holdAt does this). Without it the test polls bytesReceived and kills as soon as
   * it sees 60% of the large file, which needs a file big enough to take a while.
   */
  holdAt?(total: number): () => void
  /**
   * The Range header of each request for a file's content the server got, in order (undefined
   * for none): the resumed-download test checks from the server's side that only the rest was
   * asked for. Absent where no server sees requests (a local folder); that target's test then
   * relies on what the download appended.
   */
  downloadRanges?(): Array<string | undefined>
  /** Leaves too little space for the next upload (quota), if the server can; else undefined. */
  fillAccount?(): Promise<void>
  /**
   * Makes the stored credentials invalid (revoke the token, change the password). A target whose
   * provider has none names 'revokedCredentials' in ConformanceTarget.unsupported instead.
   */
  revokeCredentials(): Promise<void>
  /**
   * The server's OAuth access tokens, where the provider signs in with them (a target whose
   * provider has none names 'accessTokenExpiry' in ConformanceTarget.unsupported instead):
   * `expire` ends every access token issued so far, refresh tokens staying good;
   * `refreshedWith` is the refresh token of each refresh grant the token endpoint honoured.
   */
  accessTokens?: { expire(): void; refreshedWith(): string[] }
  /**
   * Whether an upload interrupted by kill -9 continues where it stopped after a restart
   * (Dropbox sessions, Nextcloud chunking, S3 multipart) or must start over (plain WebDAV PUT).
   */
  resumesAfterRestart: boolean
  /**
   * A file size large enough to be uploaded in several requests (chunks/parts), at least four of
   * them: the resume check kills the upload at 60% of the file and allows less than half a file
   * sent twice, so what is in flight at the kill must be well under half of it.
   */
  largeFileBytes: number
  close(): Promise<void>
}
