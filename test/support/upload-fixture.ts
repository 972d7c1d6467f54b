import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, expect } from 'vitest'
import type { Settings } from '../../src/shared/settings-schema.ts'
import type {
  DropboxEmulator,
  DropboxEmulatorOptions,
  StoredFile,
} from '../emulators/dropbox/index.ts'
import { authorizeRedirect } from './browser.ts'
import { runCli, startCli, tempDir, type CliResult, type RunningCli } from './cli-process.ts'
import { cliEnv, startEmulator } from './dropbox-fixture.ts'
import { transcriptOf, waitForOutput } from './wait-for.ts'

/** The routes that carry file bytes to Dropbox. */
export const CONTENT_ROUTES = [
  '/2/files/upload',
  '/2/files/upload_session/start',
  '/2/files/upload_session/append_v2',
  '/2/files/upload_session/finish',
]

export interface DropboxHome {
  emulator: DropboxEmulator
  env: NodeJS.ProcessEnv
  home: string
  connectionId: string
  /** A fresh folder for the backups Fermentrack would write. */
  backups: string
  /** Stops the emulator and removes the backups folder. */
  close(): Promise<void>
}

/**
 * A fresh emulator and FTB_HOME with Dropbox connected through the CLI, as a user would, and
 * the given settings written before any watch or upload starts. Tokens go to the owner-only file
 * store: the keychain has its own tests (tokens.test.ts), and concurrent keychain probes from
 * parallel test files can be refused (see keychain-store.ts), which is not what these test.
 */
export async function dropboxHome(
  settings: Partial<Settings> = {},
  extraEnv: NodeJS.ProcessEnv = {},
  emulatorOptions: Partial<DropboxEmulatorOptions> = {},
): Promise<DropboxHome> {
  const { emulator, loopbackPort } = await startEmulator(emulatorOptions)
  const env = cliEnv(emulator, loopbackPort, { FTB_SECRET_STORE: 'file', ...extraEnv })
  const connectionId = await connectDropbox(env)
  writeSettings(env.FTB_HOME!, settings)
  const backups = tempDir('backups')
  return {
    emulator,
    env,
    home: env.FTB_HOME!,
    connectionId,
    backups,
    close: async () => {
      rmSync(backups, { recursive: true, force: true })
      await emulator.close()
    },
  }
}

/** `dropboxHome` for the tests of one file: what a test opens is closed after it. */
export function dropboxHomePerTest(): typeof dropboxHome {
  const open: DropboxHome[] = []
  afterEach(async () => {
    for (const home of open.splice(0)) await home.close()
  })
  return async (...args) => {
    const home = await dropboxHome(...args)
    open.push(home)
    return home
  }
}

/** `connect dropbox` through the real CLI, the browser played by a fetch; returns the id. */
export function connectDropbox(env: NodeJS.ProcessEnv): Promise<string> {
  return connectThroughCli(['dropbox', '--redirect', 'loopback'], env)
}

/** `connect <provider> --redirect loopback` for an OAuth provider; returns the id. */
export function connectOAuthThroughCli(providerId: string, env: NodeJS.ProcessEnv) {
  return connectThroughCli([providerId, '--redirect', 'loopback'], env)
}

/** `connect <args> --no-browser --json`, the browser's part played by a fetch; returns the id. */
export async function connectThroughCli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const cli = startCli(['connect', ...args, '--no-browser', '--json'], env)
  const authorizeUrl = await cli.firstLine
  if (!authorizeUrl.startsWith('http')) {
    const ended = await cli.done
    throw new Error(`connect printed no authorization URL (exit ${ended.code}):\n${ended.stderr}`)
  }
  await fetch(await authorizeRedirect(authorizeUrl))
  const result = await cli.done
  expect(result.code, result.stderr).toBe(0)
  const printed = result.stdout.split('\n').slice(1).join('\n')
  return (JSON.parse(printed) as { connection_id: string }).connection_id
}

/** stderr without the warning the file secret store gives at every start. */
export function stderrBeyondWarnings(stderr: string): string {
  return stderr.replace(/^Warning: Tokens are stored UNENCRYPTED in .*\n/gm, '')
}

/** Merges `values` into FTB_HOME/settings.json, keeping what connect already wrote there. */
export function writeSettings(home: string, values: Partial<Settings>): void {
  const file = join(home, 'settings.json')
  const current = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { version: 1 }
  writeFileSync(file, JSON.stringify({ ...current, ...values }, null, 2))
}

/** `watch --dir` started, and waited for until its start-up scan is done and reported. */
export async function startWatch(dir: string, env: NodeJS.ProcessEnv): Promise<RunningCli> {
  const cli = startCli(['watch', '--dir', dir], env)
  cli.child.stdin.end()
  await waitForOutput(cli, 'Watching ')
  await waitForOutput(cli, 'Found ')
  return cli
}

/** Stops a running CLI with a signal and returns how it ended. */
export async function stopCli(cli: RunningCli, signal: NodeJS.Signals = 'SIGTERM') {
  cli.child.kill(signal)
  return cli.done
}

export interface UploadReport {
  file: string
  job_id: number
  connection_id: string
  status: string
  remote_path: string | null
  content_hash: string | null
  /** How content_hash was computed ("dropbox-content-hash", "sha256" …), as the provider said. */
  checksum_algorithm: string | null
  /** How the provider verified the copy, in words. */
  verified_by: string | null
  error: { code: string; message: string } | null
}

export interface HistoryJob {
  job_id: number
  file: string
  name: string
  size: number
  connection_id: string
  remote_path: string | null
  status: string
  content_hash: string | null
  attempts: number
  error: { code: string; message: string } | null
  superseded_by: number | null
  pruned: { at: string; by: string } | null
}

/** A file retention deleted, as `history --json` lists it. */
export interface HistoryRemoval {
  connection_id: string
  folder: string
  name: string
  path: string
  rule: string
  text: string
  removed_at: string
  uploaded_by_us: boolean
}

export interface StatusReport {
  queue_running: boolean
  paused: string[]
  counts: Record<string, number>
  connections: Array<{ id: string; status: string }>
  local_destination: string | null
  transfers: Array<{
    job_id: number
    name: string
    connection_id: string
    bytes_done: number
    size: number
  }>
}

export function parseJson<T>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`)
  }
}

export async function history(env: NodeJS.ProcessEnv, ...args: string[]) {
  const result = await runCli(['history', '--json', '--limit', '10000', ...args], env)
  expect(result.code, result.stderr).toBe(0)
  return parseJson<{ total: number; jobs: HistoryJob[]; removals: HistoryRemoval[] }>(result)
}

export async function status(env: NodeJS.ProcessEnv): Promise<StatusReport> {
  const result = await runCli(['status', '--json'], env)
  expect(result.code, result.stderr).toBe(0)
  return parseJson<StatusReport>(result)
}

/** Files committed: alone (files/upload, upload_session/finish) or as finish_batch_v2 entries. */
export function commitCount(emulator: DropboxEmulator): number {
  const batched = emulator.requests.reduce((sum, r) => sum + (r.batchEntries ?? 0), 0)
  return (
    emulator.count('/2/files/upload') + emulator.count('/2/files/upload_session/finish') + batched
  )
}

/**
 * upload_session/start requests that left their session open: sessions of files larger than one
 * request. A small file's own session (taken to join a batch of commits) starts with all its
 * bytes and close: true, and is not counted.
 */
export function openSessionStarts(emulator: DropboxEmulator): number {
  const closes = (arg: unknown) => (arg as { close?: boolean } | undefined)?.close === true
  return emulator.requests.filter(
    (r) => r.path === '/2/files/upload_session/start' && !closes(r.arg),
  ).length
}

/** The emulator's committed files, by display path. */
export function storedFiles(emulator: DropboxEmulator): StoredFile[] {
  return [...emulator.files().values()].sort((a, b) => a.path_display.localeCompare(b.path_display))
}

export function storedAt(emulator: DropboxEmulator, displayPath: string): StoredFile | undefined {
  return storedFiles(emulator).find((file) => file.path_display === displayPath)
}

/** Requests to the routes that carry file bytes, and how many bytes each carried. */
/** The content host's requests, as what was asked and answered (not when: see `receivedAt`). */
export function contentRequests(emulator: DropboxEmulator) {
  return emulator.requests
    .filter((r) => CONTENT_ROUTES.includes(r.path))
    .map(({ method, path, status, bodyBytes }) => ({ method, path, status, bodyBytes }))
}

export function describeCli(cli: RunningCli): string {
  return transcriptOf(cli)
}
