import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { builtInClientIds } from '../../scripts/built-in-keys.ts'
import type { DropboxEmulator } from '../emulators/dropbox/index.ts'
import { authorizeRedirect } from '../support/browser.ts'
import { runCli, startCli } from '../support/cli-process.ts'
import { APP_KEY, cliEnv, startEmulator } from '../support/dropbox-fixture.ts'
import { parseJson } from '../support/upload-fixture.ts'

const ROOT = resolve(import.meta.dirname, '../..')
const VITE = join(ROOT, 'node_modules/vite/bin/vite.js')

/**
 * Builds the CLI bundle as a release does (vite.cli.config.ts) with `env` at build time. The
 * bundle goes under out/ so that its imports still resolve from the project's node_modules.
 */
async function buildCli(env: NodeJS.ProcessEnv): Promise<string> {
  mkdirSync(join(ROOT, 'out'), { recursive: true })
  const outDir = mkdtempSync(join(ROOT, 'out', 'test-cli-'))
  await promisify(execFile)(
    process.execPath,
    [VITE, 'build', '-c', 'vite.cli.config.ts', '--outDir', outDir, '--logLevel', 'error'],
    { cwd: ROOT, env: { ...process.env, FTB_BUILTIN_DROPBOX_APP_KEY: '', ...env } },
  )
  return outDir
}

interface Shown {
  is_enabled: boolean
  oauth: { client_id: string | null; client_id_source: string }
}

let emulator: DropboxEmulator
let loopbackPort: number
let withKey: string
let withoutKey: string
beforeAll(async () => {
  ;({ emulator, loopbackPort } = await startEmulator())
  withKey = await buildCli({ FTB_BUILTIN_DROPBOX_APP_KEY: APP_KEY })
  withoutKey = await buildCli({})
}, 120_000)
afterAll(async () => {
  await emulator.close()
  for (const dir of [withKey, withoutKey]) if (dir) rmSync(dir, { recursive: true, force: true })
})

/** A fresh home against the emulator, with no app key in the environment at run time. */
const env = (extra: NodeJS.ProcessEnv = {}) =>
  cliEnv(emulator, loopbackPort, { FTB_SECRET_STORE: 'file', DROPBOX_APP_KEY: '', ...extra })

async function dropboxOf(bundle: string, home: NodeJS.ProcessEnv) {
  const list = await runCli(['providers', '--json'], home, '', bundle)
  expect(list.code, list.stderr).toBe(0)
  const shown = await runCli(['providers', 'show', 'dropbox', '--json'], home, '', bundle)
  expect(shown.code, shown.stderr).toBe(0)
  return {
    listed: parseJson<Array<{ provider_id: string; is_enabled: boolean }>>(list).find(
      (p) => p.provider_id === 'dropbox',
    ),
    shown: parseJson<Shown>(shown),
  }
}

describe('a key built into the release (FTB_BUILTIN_DROPBOX_APP_KEY at build time)', () => {
  it('enables Dropbox with no setup at all, and the user just connects', async () => {
    const home = env()
    const { listed, shown } = await dropboxOf(join(withKey, 'index.js'), home)
    expect(listed).toMatchObject({ is_enabled: true })
    expect(shown.oauth).toEqual(
      expect.objectContaining({ client_id: APP_KEY, client_id_source: 'built-in' }),
    )
    const cli = startCli(
      ['connect', 'dropbox', '--redirect', 'loopback', '--no-browser', '--json'],
      home,
      join(withKey, 'index.js'),
    )
    const authorizeUrl = await cli.firstLine
    expect(new URL(authorizeUrl).searchParams.get('client_id')).toBe(APP_KEY)
    await fetch(await authorizeRedirect(authorizeUrl))
    const result = await cli.done
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain('"provider": "dropbox"')
  })

  it('the Client ID in the settings wins over it, and DROPBOX_APP_KEY at run time over both', async () => {
    const bundle = join(withKey, 'index.js')
    const home = env()
    const configured = await runCli(
      ['providers', 'configure', 'dropbox', '--client-id', 'settings-key'],
      home,
      '',
      bundle,
    )
    expect(configured.code, configured.stderr).toBe(0)
    expect((await dropboxOf(bundle, home)).shown.oauth).toMatchObject({
      client_id: 'settings-key',
      client_id_source: 'settings',
    })
    const withVariable = { ...home, DROPBOX_APP_KEY: 'run-time-key' }
    expect((await dropboxOf(bundle, withVariable)).shown.oauth).toMatchObject({
      client_id: 'run-time-key',
      client_id_source: 'environment',
    })
  })

  it('a bundle built without it leaves Dropbox not enabled, saying what to set', async () => {
    const { listed, shown } = await dropboxOf(join(withoutKey, 'index.js'), env())
    expect(listed).toMatchObject({ is_enabled: false })
    expect(shown).toMatchObject({
      is_enabled: false,
      oauth: { client_id: null, client_id_source: 'none' },
    })
  })

  it('the bin, which runs from source, has no built-in key and still takes DROPBOX_APP_KEY', async () => {
    expect(
      (await dropboxOf(resolve(ROOT, 'bin/fermentrack-backup.js'), env())).shown,
    ).toMatchObject({
      is_enabled: false,
      oauth: { client_id_source: 'none' },
    })
    const fromEnv = await dropboxOf(
      resolve(ROOT, 'bin/fermentrack-backup.js'),
      env({ DROPBOX_APP_KEY: APP_KEY }),
    )
    expect(fromEnv.shown).toMatchObject({
      is_enabled: true,
      oauth: { client_id: APP_KEY, client_id_source: 'environment' },
    })
  })
})

describe('builtInClientIds (scripts/built-in-keys.ts, used by both builds)', () => {
  it('reads FTB_BUILTIN_<PROVIDER>_CLIENT_ID, and Dropbox’s app key by its own name', () => {
    expect(
      builtInClientIds({
        FTB_BUILTIN_DROPBOX_APP_KEY: ' dbx ',
        FTB_BUILTIN_GOOGLE_DRIVE_CLIENT_ID: 'gd.apps.googleusercontent.com',
        FTB_BUILTIN_ONEDRIVE_CLIENT_ID: '',
      }),
    ).toEqual({ dropbox: 'dbx', 'google-drive': 'gd.apps.googleusercontent.com' })
    expect(builtInClientIds({ FTB_BUILTIN_DROPBOX_CLIENT_ID: 'dbx2' })).toEqual({ dropbox: 'dbx2' })
    expect(builtInClientIds({})).toEqual({})
  })
})
