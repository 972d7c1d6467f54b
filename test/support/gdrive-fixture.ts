import { expect } from 'vitest'
import {
  startGdriveEmulator,
  type GdriveEmulator,
  type GdriveEmulatorOptions,
} from '../emulators/gdrive/index.ts'
import { runCli, tempDir } from './cli-process.ts'
import { connectThroughCli } from './upload-fixture.ts'

export const GOOGLE_CLIENT_ID = 'test-desktop.apps.googleusercontent.com'
export const GOOGLE_CLIENT_SECRET = 'GOCSPX-test-desktop-secret'

/** An emulator with one "Desktop app" OAuth client, which carries a secret. */
export function startGoogle(options: Partial<GdriveEmulatorOptions> = {}): Promise<GdriveEmulator> {
  return startGdriveEmulator({
    clients: [{ clientId: GOOGLE_CLIENT_ID, clientSecret: GOOGLE_CLIENT_SECRET }],
    ...options,
  })
}

/** A fresh FTB_HOME wired to the emulator; `apiUrl` may be a counting proxy in front of it. */
export function googleEnv(
  emulator: GdriveEmulator,
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  return {
    FTB_HOME: tempDir('home'),
    FTB_GOOGLE_AUTH_URL: emulator.authorizeUrl,
    FTB_GOOGLE_TOKEN_URL: emulator.tokenUrl,
    FTB_GOOGLE_API_URL: emulator.url,
    FTB_GOOGLE_REVOKE_URL: emulator.revokeUrl,
    FTB_SECRET_STORE: 'file',
    ...extra,
  }
}

/** What the README tells users: the Desktop client's id and secret into the provider settings. */
export async function configureGoogle(env: NodeJS.ProcessEnv): Promise<void> {
  const result = await runCli(
    [
      'providers',
      'configure',
      'google-drive',
      '--client-id',
      GOOGLE_CLIENT_ID,
      '--client-secret-stdin',
    ],
    env,
    GOOGLE_CLIENT_SECRET + '\n',
  )
  expect(result.code, result.stderr).toBe(0)
}

/** `connect google-drive` through the real CLI (its default redirect), returns the id. */
export function connectGoogle(env: NodeJS.ProcessEnv): Promise<string> {
  return connectThroughCli(['google-drive'], env)
}
