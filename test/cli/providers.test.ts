import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DropboxEmulator } from '../emulators/dropbox/index.ts'
import { authorizeRedirect } from '../support/browser.ts'
import { runCli, startCli, tempDir } from '../support/cli-process.ts'
import { APP_KEY, cliEnv, startEmulator } from '../support/dropbox-fixture.ts'
import { connectDropbox, parseJson, stderrBeyondWarnings } from '../support/upload-fixture.ts'

let emulator: DropboxEmulator
let loopbackPort: number
beforeAll(async () => ({ emulator, loopbackPort } = await startEmulator()))
afterAll(() => emulator.close())

/** A fresh FTB_HOME against the emulator; tokens in the file store, so its bytes can be compared. */
const env = (extra: NodeJS.ProcessEnv = {}) =>
  cliEnv(emulator, loopbackPort, { FTB_SECRET_STORE: 'file', ...extra })

interface SettingsJson {
  provider_id: string
  is_enabled: boolean
  reason: string | null
  enabled: boolean
  oauth: {
    client_id: string | null
    client_id_source: string
    client_secret_set: boolean
    authorization_url: string
    authorization_url_options: Record<string, string>
    token_url: string
    redirect_uris: string[]
    scopes: string[]
  } | null
  default_target: string
}

async function show(home: NodeJS.ProcessEnv, id = 'dropbox'): Promise<SettingsJson> {
  const result = await runCli(['providers', 'show', id, '--json'], home)
  expect(result.code, result.stderr).toBe(0)
  return parseJson<SettingsJson>(result)
}

const settingsFile = (home: NodeJS.ProcessEnv) => join(home.FTB_HOME!, 'settings.json')
const storedProviders = (home: NodeJS.ProcessEnv) =>
  JSON.parse(readFileSync(settingsFile(home), 'utf8')).providers

describe('providers', () => {
  it('lists every provider in the Fermentrack shape, the ones not built yet as coming soon', async () => {
    const result = await runCli(['providers', '--json'], env())
    expect(result.code, result.stderr).toBe(0)
    const providers = parseJson<Array<Record<string, unknown>>>(result)
    expect(providers.map((p) => Object.keys(p))).toEqual(
      providers.map(() => ['provider_id', 'display_name', 'is_enabled', 'reason']),
    )
    expect(providers.map((p) => p.provider_id)).toEqual([
      'dropbox',
      'google-drive',
      'onedrive',
      'nextcloud',
      'webdav',
      's3',
      'local',
    ])
    expect(providers.find((p) => p.provider_id === 'dropbox')).toMatchObject({
      is_enabled: true,
      reason: null,
    })
  })

  it('show: the effective settings, where the client id came from, and the redirect URIs to register', async () => {
    const settings = await show(env())
    expect(settings).toMatchObject({
      provider_id: 'dropbox',
      is_enabled: true,
      enabled: true,
      oauth: {
        client_id: APP_KEY,
        client_id_source: 'environment',
        client_secret_set: false,
        authorization_url: emulator.authorizeUrl,
        authorization_url_options: { token_access_type: 'offline' },
        token_url: `${emulator.url}/oauth2/token`,
        redirect_uris: [
          'fermentrack-backup://oauth/callback',
          `http://127.0.0.1:${loopbackPort}/oauth/callback`,
        ],
        scopes: [
          'files.metadata.read',
          'files.content.write',
          'files.content.read',
          'account_info.read',
        ],
      },
      default_target: '/Fermentrack Backups',
    })
    const text = await runCli(['providers', 'show', 'dropbox'], env({ DROPBOX_APP_KEY: '' }))
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/Status: +Dropbox needs an app key/)
    expect(text.stdout).toMatch(/Client ID: +not set\n/)
    expect(text.stdout).toContain(`http://127.0.0.1:${loopbackPort}/oauth/callback`)
    expect((await show(env(), 'local')).oauth).toBeNull()
  })

  it('configure: every flag saved, used by the next sign-in, and --reset restores the defaults', async () => {
    // No key in the environment (it would win): the Client ID in the settings is what signs in.
    const home = env({ DROPBOX_APP_KEY: '' })
    const result = await runCli(
      [
        'providers',
        'configure',
        'dropbox',
        '--client-id',
        APP_KEY,
        '--authorization-url',
        emulator.authorizeUrl,
        '--authorization-url-options',
        '{"token_access_type":"offline","include_granted_scopes":"user"}',
        '--token-url',
        `${emulator.url}/oauth2/token`,
        '--scopes',
        'files.content.write account_info.read',
        '--default-target',
        '/Brewery',
        '--enabled',
        'true',
        '--json',
      ],
      home,
    )
    expect(result.code, result.stderr).toBe(0)
    expect(parseJson<SettingsJson>(result)).toMatchObject({
      is_enabled: true,
      oauth: { client_id: APP_KEY, client_id_source: 'settings' },
      default_target: '/Brewery',
    })
    expect(storedProviders(home)).toEqual({
      dropbox: {
        enabled: true,
        clientId: APP_KEY,
        authorizationUrl: emulator.authorizeUrl,
        authorizationUrlOptions: { token_access_type: 'offline', include_granted_scopes: 'user' },
        tokenUrl: `${emulator.url}/oauth2/token`,
        scopes: ['files.content.write', 'account_info.read'],
        defaultTarget: '/Brewery',
      },
    })

    const cli = startCli(['connect', 'dropbox', '--redirect', 'loopback', '--no-browser'], home)
    const authorizeUrl = await cli.firstLine
    const params = new URL(authorizeUrl).searchParams
    expect(params.get('client_id')).toBe(APP_KEY)
    expect(params.get('include_granted_scopes')).toBe('user')
    expect(params.get('scope')).toBe('files.content.write account_info.read')
    await fetch(await authorizeRedirect(authorizeUrl))
    const connected = await cli.done
    expect(connected.code, connected.stderr).toBe(0)

    const reset = await runCli(['providers', 'configure', 'dropbox', '--reset', '--json'], home)
    expect(reset.code, reset.stderr).toBe(0)
    expect(storedProviders(home)).toEqual({})
    expect(parseJson<SettingsJson>(reset).oauth).toMatchObject({
      client_id: null,
      client_id_source: 'none',
      scopes: [
        'files.metadata.read',
        'files.content.write',
        'files.content.read',
        'account_info.read',
      ],
    })
  })

  it('configure --enabled false switches a provider off until it is switched on again', async () => {
    const home = env()
    expect(
      (await runCli(['providers', 'configure', 'dropbox', '--enabled', 'false'], home)).code,
    ).toBe(0)
    const off = await runCli(['connect', 'dropbox', '--no-browser'], home)
    expect(off.code).toBe(1)
    expect(stderrBeyondWarnings(off.stderr)).toMatch(/^Error: Dropbox is switched off/)
    expect(
      (await runCli(['providers', 'configure', 'dropbox', '--enabled', 'true'], home)).code,
    ).toBe(0)
    expect((await show(home)).is_enabled).toBe(true)
  })

  it('resetting a provider that uses no client secret needs no keychain (a headless Pi)', async () => {
    const home = env({
      FTB_SECRET_STORE: 'keychain',
      DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(tempDir('no-bus'), 'none')}`,
    })
    await runCli(['providers', 'configure', 'dropbox', '--default-target', '/X'], home)
    const result = await runCli(['providers', 'configure', 'dropbox', '--reset'], home)
    expect(result.code, result.stderr).toBe(0)
    expect(storedProviders(home)).toEqual({})
  })
})

describe('providers configure refuses bad input: exit 2, one line naming the flag, nothing saved', () => {
  const SECRET = 'sEcReT-that-must-never-show'
  let home: NodeJS.ProcessEnv

  beforeAll(async () => {
    home = env()
    // A real connection, so the secret store holds tokens whose bytes must not change.
    await connectDropbox(home)
    const configured = await runCli(
      ['providers', 'configure', 'dropbox', '--client-id', APP_KEY],
      home,
    )
    expect(configured.code, configured.stderr).toBe(0)
  })

  it.each([
    [['dropbox', '--enabled', 'maybe'], /^Error: --enabled must be true or false, not "maybe"/],
    [
      ['dropbox', '--authorization-url-options', '{"a":'],
      /^Error: --authorization-url-options is not valid JSON/,
    ],
    [
      ['dropbox', '--authorization-url-options', '["a"]'],
      /^Error: --authorization-url-options must be a JSON object .*not an array/,
    ],
    [
      ['dropbox', '--authorization-url-options', '"x"'],
      /^Error: --authorization-url-options must be a JSON object .*not a string/,
    ],
    [
      ['dropbox', '--authorization-url-options', '{"a":true}'],
      /^Error: --authorization-url-options option "a" must be a string/,
    ],
    [
      ['dropbox', '--authorization-url', 'http://example.com/authorize'],
      /^Error: --authorization-url must be an https URL/,
    ],
    [['dropbox', '--token-url', 'not a url'], /^Error: --token-url must be an https URL/],
    [
      ['dropbox', '--default-target', 'Backups'],
      /^Error: --default-target must be an absolute remote folder/,
    ],
    [['dropbox', '--client-id', '  '], /^Error: --client-id must be the app key/],
    [['dropbox', '--scopes', ' '], /^Error: --scopes needs at least one scope/],
    [['dropbox', '--enabled'], /^Error: Option '--enabled <value>' argument missing/],
    [
      ['dropbox', '--client-secret-stdin'],
      /^Error: --client-secret-stdin does not apply to Dropbox/,
    ],
    [['dropbox', '--dir', '/tmp'], /^Error: --dir is not an option here/],
    [['dropbox'], /^Error: Nothing to change/],
    [['gdrive', '--enabled', 'true'], /^Error: There is no provider "gdrive"/],
    [
      ['onedrive', '--client-secret-stdin'],
      /^Error: --client-secret-stdin does not apply to OneDrive/,
    ],
    [['local', '--client-id', 'x'], /^Error: --client-id does not apply to Local or NAS folder/],
    // A good flag beside a bad one: the good one is not saved either.
    [
      ['dropbox', '--default-target', '/Elsewhere', '--enabled', 'yes'],
      /^Error: --enabled must be true or false/,
    ],
  ])('configure %j', async (args, message) => {
    const before = {
      settings: readFileSync(settingsFile(home)),
      secrets: readFileSync(join(home.FTB_HOME!, 'secrets.json')),
    }
    const result = await runCli(['providers', 'configure', ...args], home, `${SECRET}\n`)
    expect(result.code).toBe(2)
    const stderr = stderrBeyondWarnings(result.stderr)
    expect(stderr).toMatch(message)
    expect(stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(result.stdout).toBe('')
    expect(readFileSync(settingsFile(home))).toEqual(before.settings)
    expect(readFileSync(join(home.FTB_HOME!, 'secrets.json'))).toEqual(before.secrets)
    expect(result.stderr + readFileSync(settingsFile(home), 'utf8')).not.toContain(SECRET)
  })

  it('show refuses an unknown id the same way', async () => {
    const result = await runCli(['providers', 'show', 'gdrive'], home)
    expect(result.code).toBe(2)
    expect(stderrBeyondWarnings(result.stderr)).toMatch(/^Error: There is no provider "gdrive"/)
  })
})
