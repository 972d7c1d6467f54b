import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import {
  DropboxUploader,
  type DropboxUploaderOptions,
} from '../../../../src/main/providers/dropbox/dropbox-uploader.ts'
import type { SourceFile, UploadContext } from '../../../../src/main/uploads/uploader.ts'
import { startDropboxEmulator, type DropboxEmulator } from '../../../emulators/dropbox/index.ts'
import {
  APP_KEY,
  endpointsOf,
  linkAccount,
  REDIRECT_URI,
  type EmulatorTokens,
} from './emulator-account.ts'

export const MiB = 1024 * 1024
export const FOLDER = '/Fermentrack Backups'
const CONTENT_ROUTES = [
  '/2/files/upload',
  '/2/files/upload_session/start',
  '/2/files/upload_session/append_v2',
  '/2/files/upload_session/finish',
]

export interface Account {
  emulator: DropboxEmulator
  tokens: EmulatorTokens
  /** Every wait the uploader asked for, in ms; they return at once, moving `clock` on. */
  waits: number[]
  clock: { now: number }
  uploader(options?: Partial<DropboxUploaderOptions>): DropboxUploader
}

/** A linked emulator account; the emulator and the uploaders share one adjustable clock. */
export async function startAccount(quotaBytes?: number): Promise<Account> {
  const clock = { now: Date.now() }
  const emulator = await startDropboxEmulator({
    appKey: APP_KEY,
    redirectUris: [REDIRECT_URI],
    quotaBytes,
    now: () => clock.now,
  })
  const tokens = await linkAccount(emulator)
  const waits: number[] = []
  const uploader = (options: Partial<DropboxUploaderOptions> = {}) =>
    new DropboxUploader({
      endpoints: endpointsOf(emulator),
      tokens,
      sleep: async (ms) => {
        waits.push(ms)
        clock.now += ms
      },
      now: () => clock.now,
      ...options,
    } as DropboxUploaderOptions)
  return { emulator, tokens, waits, clock, uploader }
}

const dir = mkdtempSync(join(tmpdir(), 'dropbox-uploader-'))

/** A real file on disk, described as the watcher would hand it over. */
export function sourceFile(name: string, data: Uint8Array): SourceFile {
  const path = join(mkdtempSync(join(dir, 'f')), 'backup.tar.xz')
  writeFileSync(path, data)
  const { size, mtimeMs } = statSync(path)
  return { path, name, size, mtimeMs }
}

export function randomData(size: number): Buffer {
  return randomBytes(size)
}

export interface Recorder {
  context: UploadContext
  controller: AbortController
  progress: number[]
  saved: unknown[]
}

export function recorder(
  options: { resume?: unknown; onProgress?: (bytes: number, r: Recorder) => void } = {},
): Recorder {
  const controller = new AbortController()
  const rec: Recorder = {
    controller,
    progress: [],
    saved: [],
    context: {
      signal: controller.signal,
      resume: options.resume,
      onProgress: (bytes) => {
        rec.progress.push(bytes)
        options.onProgress?.(bytes, rec)
      },
      saveResume: (state) => void rec.saved.push(structuredClone(state)),
    },
  }
  return rec
}

/** Content-route requests (and their body bytes) since the `from`-th request. */
export function contentTraffic(emulator: DropboxEmulator, from = 0) {
  const records = emulator.requests.slice(from).filter((r) => CONTENT_ROUTES.includes(r.path))
  const count = (route: string) => records.filter((r) => r.path === `/2/files/${route}`).length
  return {
    bytes: records.reduce((sum, r) => sum + r.bodyBytes, 0),
    upload: count('upload'),
    start: count('upload_session/start'),
    append: count('upload_session/append_v2'),
    finish: count('upload_session/finish'),
  }
}

/** What Dropbox holds at `path` is exactly `data`. */
export function expectStored(emulator: DropboxEmulator, path: string, data: Uint8Array): void {
  const stored = emulator.files().get(path.toLowerCase())
  expect(stored, `nothing at ${path}`).toBeDefined()
  expect(stored!.path_display).toBe(path)
  expect(Buffer.compare(readFileSync(stored!.localPath), data)).toBe(0)
}
