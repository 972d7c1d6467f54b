import { rmSync } from 'node:fs'
import { afterEach, expect } from 'vitest'
import type { Settings } from '../../src/shared/settings-schema.ts'
import {
  startNextcloudEmulator,
  type NextcloudEmulator,
  type NextcloudEmulatorOptions,
} from '../emulators/nextcloud/index.ts'
import { startCli, tempDir, type CliResult } from './cli-process.ts'
import { writeSettings } from './upload-fixture.ts'

export interface NextcloudHome {
  nc: NextcloudEmulator
  env: NodeJS.ProcessEnv
  home: string
  connectionId: string
  /** What `connect nextcloud --json` printed after the login URL. */
  connected: { connection_id: string; account: { id: string; name: string } }
  backups: string
  close(): Promise<void>
}

/** `connect nextcloud --url … --no-browser --json` through the real CLI; the test plays the browser. */
export async function connectNextcloud(nc: NextcloudEmulator, env: NodeJS.ProcessEnv) {
  const cli = startCli(['connect', 'nextcloud', '--url', nc.url, '--no-browser', '--json'], env)
  cli.child.stdin.end()
  const loginUrl = await cli.firstLine
  if (!loginUrl.startsWith(nc.url)) {
    const ended = await cli.done
    throw new Error(
      `connect printed no login URL (exit ${ended.code}):\n${ended.stdout}\n${ended.stderr}`,
    )
  }
  nc.grantLogin(loginUrl)
  const result: CliResult = await cli.done
  expect(result.code, result.stderr).toBe(0)
  return {
    loginUrl,
    result,
    connected: JSON.parse(
      result.stdout.split('\n').slice(1).join('\n'),
    ) as NextcloudHome['connected'],
  }
}

/**
 * A fresh emulator and FTB_HOME with Nextcloud connected through the CLI, as a user would, then
 * the given settings. The app password goes to the owner-only file store (see upload-fixture).
 */
export async function nextcloudHome(
  options: {
    settings?: Partial<Settings>
    env?: NodeJS.ProcessEnv
    emulator?: NextcloudEmulatorOptions
  } = {},
): Promise<NextcloudHome> {
  const nc = await startNextcloudEmulator(options.emulator)
  const env = { FTB_HOME: tempDir('home'), FTB_SECRET_STORE: 'file', ...options.env }
  const { connected } = await connectNextcloud(nc, env)
  writeSettings(env.FTB_HOME, options.settings ?? {})
  const backups = tempDir('backups')
  return {
    nc,
    env,
    home: env.FTB_HOME,
    connectionId: connected.connection_id,
    connected,
    backups,
    close: async () => {
      rmSync(backups, { recursive: true, force: true })
      rmSync(env.FTB_HOME, { recursive: true, force: true })
      await nc.close()
    },
  }
}

/** `nextcloudHome` for the tests of one file: what a test opens is closed after it. */
export function nextcloudHomePerTest(): typeof nextcloudHome {
  const open: NextcloudHome[] = []
  afterEach(async () => {
    for (const home of open.splice(0)) await home.close()
  })
  return async (...args) => {
    const home = await nextcloudHome(...args)
    open.push(home)
    return home
  }
}
