import { SCHEME_REDIRECT_URI } from '../../src/main/auth/callback-url.ts'
import {
  startGraphEmulator,
  type GraphEmulator,
  type GraphEmulatorOptions,
} from '../emulators/graph/index.ts'
import { tempDir } from './cli-process.ts'
import { freePort } from './dropbox-fixture.ts'
import { connectOAuthThroughCli, writeSettings } from './upload-fixture.ts'

export const CLIENT_ID = '00000000-0000-0000-0000-00000000f7b1'

/**
 * A Graph emulator with the app's redirect URIs registered as the README tells users to: the
 * custom scheme, and the loopback one without a port (Microsoft matches loopback at any port).
 */
export async function startOneDriveEmulator(
  options: Partial<GraphEmulatorOptions> = {},
): Promise<{ emulator: GraphEmulator; loopbackPort: number }> {
  const loopbackPort = await freePort()
  const emulator = await startGraphEmulator({
    clientId: CLIENT_ID,
    redirectUris: [SCHEME_REDIRECT_URI, 'http://localhost/oauth/callback'],
    ...options,
  })
  return { emulator, loopbackPort }
}

/** A fresh FTB_HOME wired to the emulator (Graph through `graphUrl`, a proxy where given). */
export function oneDriveEnv(
  emulator: GraphEmulator,
  loopbackPort: number,
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  return {
    FTB_HOME: tempDir('home'),
    ONEDRIVE_CLIENT_ID: CLIENT_ID,
    FTB_MICROSOFT_LOGIN_URL: emulator.url,
    FTB_GRAPH_API_URL: emulator.url,
    FTB_LOOPBACK_PORT: String(loopbackPort),
    FTB_SECRET_STORE: 'file',
    ...extra,
  }
}

/** `connect onedrive` through the real CLI, the browser played by a fetch; returns the id. */
export function connectOneDrive(env: NodeJS.ProcessEnv): Promise<string> {
  return connectOAuthThroughCli('onedrive', env)
}

/**
 * An emulator and a home connected to it through the CLI, with fixed 4 MiB chunks (fragments of
 * 12 × 320 KiB), as the provider tests use them.
 */
export async function connectedOneDrive(options: Partial<GraphEmulatorOptions> = {}) {
  const { emulator, loopbackPort } = await startOneDriveEmulator(options)
  const env = oneDriveEnv(emulator, loopbackPort)
  const connectionId = await connectOneDrive(env)
  writeSettings(env.FTB_HOME!, { chunkSize: 4 * 1024 * 1024, adaptiveChunkSize: false })
  return { emulator, home: { env, home: env.FTB_HOME!, connectionId } }
}
