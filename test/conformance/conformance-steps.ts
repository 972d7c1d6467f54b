import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { expect } from 'vitest'
import { createEngine } from '../../src/main/engine.ts'
import type { RemoteFile, SourceFile } from '../../src/main/uploads/uploader.ts'
import { quickXorOf } from '../emulators/graph/index.ts'
import { dropboxContentHashOf } from '../support/backup-files.ts'
import { runCli } from '../support/cli-process.ts'
import { parseJson, type UploadReport } from '../support/upload-fixture.ts'
import type { ConformanceServer } from './harness.ts'

/** What connectHome returned: the CLI's env, FTB_HOME and the connection to use. */
export type Home = Awaited<ReturnType<ConformanceServer['connectHome']>>

/** The real CLI's `upload --json` to this connection; the report of each file. */
export async function uploadThroughCli(home: Home, ...paths: string[]) {
  const result = await runCli(
    ['upload', ...paths, '--connection', home.connectionId, '--json'],
    home.env,
  )
  return { code: result.code, stderr: result.stderr, reports: parseJson<UploadReport[]>(result) }
}

/**
 * The connection as the engine opens it for the queue: the provider, credentials it built from
 * the secret store, and the remote folder the queue would upload to.
 */
export async function openConnection(home: Home) {
  const engine = await createEngine({ env: { ...process.env, ...home.env } })
  const { provider, credentials, context } = await engine.connections.open(home.connectionId)
  const folder = engine.connections.targetOf(home.connectionId)
  return {
    provider,
    credentials,
    context,
    folder,
    async upload(path: string): Promise<RemoteFile> {
      return this.uploadSource(await sourceFile(path))
    },
    /** Into another remote folder than the queue's (made if missing, as uploads make it). */
    async uploadTo(path: string, remoteFolder: string): Promise<RemoteFile> {
      return this.uploadSource(await sourceFile(path), remoteFolder)
    },
    /** The provider's uploader, called as the queue calls it (no earlier attempt to resume). */
    uploadSource(source: SourceFile, remoteFolder = folder): Promise<RemoteFile> {
      const uploader = provider.uploader(credentials, context)
      return uploader.upload(source, remoteFolder, {
        signal: new AbortController().signal,
        onProgress: () => {},
        resume: undefined,
        saveResume: () => {},
      })
    },
    close: () => engine.close(),
  }
}

export type OpenConnection = Awaited<ReturnType<typeof openConnection>>

export async function sourceFile(path: string): Promise<SourceFile> {
  const info = await stat(path)
  return { path, name: basename(path), size: info.size, mtimeMs: info.mtimeMs }
}

/** The remote path of `name` beside `remotePath`, in the same folder and the same notation. */
export function siblingOf(remotePath: string, name: string): string {
  return remotePath.slice(0, remotePath.lastIndexOf('/') + 1) + name
}

/**
 * Checks a reported checksum against the bytes, computed here independently of the app, for the
 * algorithms this suite knows; any other must at least be reported, with how it was verified.
 */
export function expectChecksumOf(
  bytes: Buffer,
  checksum: { algorithm: string | null; value: string | null; verifiedBy: string | null },
) {
  expect(checksum.algorithm, 'checksum algorithm').toMatch(/\S/)
  expect(checksum.value, 'checksum value').toMatch(/\S/)
  expect(checksum.verifiedBy, 'how the copy was verified').toMatch(/\S/)
  const expected = INDEPENDENT[checksum.algorithm!]?.(bytes)
  if (expected !== undefined) expect(checksum.value).toBe(expected)
}

/** The checksum of `bytes` by an algorithm this suite computes itself; undefined for others. */
export function independentChecksum(algorithm: string, bytes: Buffer): string | undefined {
  return INDEPENDENT[algorithm]?.(bytes)
}

/** What `restore --json` prints (the engine's RestoreResult). */
export interface RestoreReport {
  remote_path: string
  local_path: string
  size: number
  verified: boolean
  verified_by: string
}

/** The real CLI's `restore <name> --connection ID --to DIR --json`. */
export async function restoreThroughCli(home: Home, name: string, toDir: string) {
  const result = await runCli(
    ['restore', name, '--connection', home.connectionId, '--to', toDir, '--json'],
    home.env,
  )
  const report = result.stdout.trim() ? parseJson<RestoreReport>(result) : undefined
  return { code: result.code, stderr: result.stderr, report }
}

const INDEPENDENT: Record<string, (bytes: Buffer) => string> = {
  'dropbox-content-hash': dropboxContentHashOf,
  sha256: (bytes) => createHash('sha256').update(bytes).digest('hex'),
  md5: (bytes) => createHash('md5').update(bytes).digest('hex'),
  quickxorhash: quickXorOf,
}

/** The refresh token the connection keeps in its home's file secret store (FTB_SECRET_STORE=file). */
export function storedRefreshToken(home: Home): string {
  const secrets = JSON.parse(readFileSync(join(home.home, 'secrets.json'), 'utf8')) as Record<
    string,
    string
  >
  const tokens = JSON.parse(secrets[home.connectionId] ?? '{}') as { refresh_token?: string }
  expect(tokens.refresh_token, 'a stored refresh token').toMatch(/\S/)
  return tokens.refresh_token!
}

/** `connections --json`: each connection's status as the CLI shows it. */
export async function connectionStatus(home: Home): Promise<string | undefined> {
  const result = await runCli(['connections', '--json'], home.env)
  const shown = parseJson<Array<{ connection_id: string; status: string }>>(result)
  return shown.find((c) => c.connection_id === home.connectionId)?.status
}
