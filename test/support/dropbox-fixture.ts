import { createServer } from 'node:net'
import { SCHEME_REDIRECT_URI } from '../../src/main/auth/callback-url.ts'
import {
  startDropboxEmulator,
  type DropboxEmulator,
  type DropboxEmulatorOptions,
} from '../emulators/dropbox/index.ts'
import { tempDir } from './cli-process.ts'

export const APP_KEY = 'test-app-key'

export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** An emulator with both of the app's redirect URIs registered, as the README tells users to. */
export async function startEmulator(options: Partial<DropboxEmulatorOptions> = {}): Promise<{
  emulator: DropboxEmulator
  loopbackPort: number
}> {
  const loopbackPort = await freePort()
  const emulator = await startDropboxEmulator({
    appKey: APP_KEY,
    redirectUris: [SCHEME_REDIRECT_URI, `http://127.0.0.1:${loopbackPort}/oauth/callback`],
    ...options,
  })
  return { emulator, loopbackPort }
}

/** A fresh FTB_HOME wired to the emulator; tokens go to the real keychain unless told otherwise. */
export function cliEnv(
  emulator: DropboxEmulator,
  loopbackPort: number,
  extra: NodeJS.ProcessEnv = {},
) {
  return {
    FTB_HOME: tempDir('home'),
    DROPBOX_APP_KEY: APP_KEY,
    FTB_DROPBOX_AUTH_URL: emulator.authorizeUrl,
    FTB_DROPBOX_API_URL: emulator.url,
    FTB_DROPBOX_CONTENT_URL: emulator.url,
    FTB_LOOPBACK_PORT: String(loopbackPort),
    FTB_SECRET_STORE: 'keychain',
    ...extra,
  }
}

/**
 * How many times a file's bytes were started on their way: a lone small file goes in one
 * files/upload, but one that uploads beside others (or a large one) starts an upload session, so
 * its commit can join a finish_batch_v2. Either way, once per file sent.
 */
export function fileSends(emulator: DropboxEmulator, fromRequest = 0): number {
  const sends = ['/2/files/upload', '/2/files/upload_session/start']
  return emulator.requests.slice(fromRequest).filter((r) => sends.includes(r.path)).length
}
