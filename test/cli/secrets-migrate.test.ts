import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import keytar from 'keytar'
// The binding's own keytar-style functions: what @napi-rs/keyring really holds, not our adapter.
import * as napiKeyring from '@napi-rs/keyring/keytar.js'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { DropboxEmulator } from '../emulators/dropbox/index.ts'
import { runCli } from '../support/cli-process.ts'
import { cliEnv, startEmulator } from '../support/dropbox-fixture.ts'
import { connectDropbox } from '../support/upload-fixture.ts'

// `secrets migrate` through the real CLI, against the real gnome-keyring that
// scripts/run-tests.sh starts: keytar's items and @napi-rs/keyring's are separate there.
const SERVICE = 'Fermentrack Backup Companion'
const PING = 'healthcheck-url'
const CLIENT_SECRET = 'provider:google-drive:client_secret'
const PING_URL = 'https://hc.example.test/ping/4f6c1e0a-migrate'
const DRIVE_SECRET = 'GOCSPX-migrate-test-secret'

let emulator: DropboxEmulator
let loopbackPort: number
beforeAll(async () => ({ emulator, loopbackPort } = await startEmulator()))
afterAll(() => emulator.close())

let env: NodeJS.ProcessEnv
let connection = ''
const home = () => env.FTB_HOME as string
const secretStoreSetting = () =>
  (JSON.parse(readFileSync(join(home(), 'settings.json'), 'utf8')) as { secretStore?: string })
    .secretStore ?? 'keychain'
const accounts = () => [connection, PING, CLIENT_SECRET]
const inKeytar = () => Promise.all(accounts().map((a) => keytar.getPassword(SERVICE, a)))
const inNapi = () => Promise.all(accounts().map((a) => napiKeyring.getPassword(SERVICE, a)))
const migrate = (to: string, extra: NodeJS.ProcessEnv = {}) =>
  runCli(['secrets', 'migrate', '--to', to], { ...env, ...extra })

async function cleanKeyrings() {
  for (const account of accounts().filter(Boolean)) {
    await keytar.deletePassword(SERVICE, account)
    await napiKeyring.deletePassword(SERVICE, account)
  }
}

describe('secrets migrate', () => {
  let token: string
  afterEach(cleanKeyrings)
  beforeEach(async () => {
    await cleanKeyrings()
    // Empty counts as unset: the secretStore setting (keychain by default) decides.
    env = cliEnv(emulator, loopbackPort, { FTB_SECRET_STORE: '' })
    connection = await connectDropbox(env)
    const ping = await runCli(['health', '--set-ping-url-stdin'], env, PING_URL + '\n')
    expect(ping.code, ping.stderr).toBe(0)
    const drive = await runCli(
      ['providers', 'configure', 'google-drive', '--client-id', 'id.apps', '--client-secret-stdin'],
      env,
      DRIVE_SECRET + '\n',
    )
    expect(drive.code, drive.stderr).toBe(0)
    token = (await keytar.getPassword(SERVICE, connection)) as string
    expect(token).toMatch(/access_token/)
  })

  it('moves every token to keyring-napi, switches the setting, and leaves nothing in keytar', async () => {
    const result = await migrate('keyring-napi')
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(
      /^Copied 3 token\(s\) from keychain to keyring-napi, checked each, and removed 3 from keychain\./,
    )
    expect(await inNapi()).toEqual([token, PING_URL, DRIVE_SECRET])
    expect(await inKeytar()).toEqual([null, null, null])
    expect(secretStoreSetting()).toBe('keyring-napi')
    for (const secret of [token, PING_URL, DRIVE_SECRET]) {
      expect(result.stdout + result.stderr).not.toContain(secret)
    }
    expect(readFileSync(join(home(), 'settings.json'), 'utf8')).not.toContain(DRIVE_SECRET)
    expect(existsSync(join(home(), 'secrets-migration.json'))).toBe(false)

    // The CLI now works from the new store: disconnecting removes the token there.
    const disconnect = await runCli(['disconnect', connection], env)
    expect(disconnect.code, disconnect.stderr).toBe(0)
    expect(await napiKeyring.getPassword(SERVICE, connection)).toBeNull()
  })

  it('is idempotent: a second run changes nothing', async () => {
    expect((await migrate('keyring-napi')).code).toBe(0)
    const again = await migrate('keyring-napi')
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toBe('Tokens are already kept in keyring-napi; nothing to migrate.\n')
    expect(await inNapi()).toEqual([token, PING_URL, DRIVE_SECRET])
    expect(await inKeytar()).toEqual([null, null, null])
  })

  it('moves them back to keytar', async () => {
    expect((await migrate('keyring-napi')).code).toBe(0)
    const back = await migrate('keychain')
    expect(back.code, back.stderr).toBe(0)
    expect(back.stdout).toMatch(/^Copied 3 token\(s\) from keyring-napi to keychain/)
    expect(await inKeytar()).toEqual([token, PING_URL, DRIVE_SECRET])
    expect(await inNapi()).toEqual([null, null, null])
    expect(secretStoreSetting()).toBe('keychain')
  })

  it('moves them to the owner-only file for a machine without a keyring', async () => {
    const result = await migrate('file')
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/^Copied 3 token\(s\) from keychain to file/)
    const file = join(home(), 'secrets.json')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      [connection]: token,
      [PING]: PING_URL,
      [CLIENT_SECRET]: DRIVE_SECRET,
    })
    expect(await inKeytar()).toEqual([null, null, null])
    expect(secretStoreSetting()).toBe('file')
  })

  it('completes a run interrupted while copying: the setting was never switched', async () => {
    // What a crash after the first copy leaves: one token in both stores, the setting unchanged.
    await napiKeyring.setPassword(SERVICE, connection, token)
    const result = await migrate('keyring-napi')
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(
      /^Copied 2 token\(s\) from keychain to keyring-napi \(1 were there already\)/,
    )
    expect(await inNapi()).toEqual([token, PING_URL, DRIVE_SECRET])
    expect(await inKeytar()).toEqual([null, null, null])
  })

  it('finishes a run interrupted after the switch, keeping tokens refreshed since in the new store', async () => {
    // What a crash before the clean-up leaves: all copied, the marker, the setting switched, the
    // old copies still there; the connection's token was refreshed in the new store since.
    for (const [account, secret] of [
      [connection, 'refreshed-token'],
      [PING, PING_URL],
      [CLIENT_SECRET, DRIVE_SECRET],
    ] as const) {
      await napiKeyring.setPassword(SERVICE, account, secret)
    }
    const settingsFile = join(home(), 'settings.json')
    const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>
    writeFileSync(settingsFile, JSON.stringify({ ...settings, secretStore: 'keyring-napi' }))
    writeFileSync(
      join(home(), 'secrets-migration.json'),
      JSON.stringify({ from: 'keychain', to: 'keyring-napi' }),
    )

    const result = await migrate('keyring-napi')
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toBe(
      'Finished an earlier migration: removed 3 token(s) left in keychain. keyring-napi is in use.\n',
    )
    expect(await inNapi()).toEqual(['refreshed-token', PING_URL, DRIVE_SECRET])
    expect(await inKeytar()).toEqual([null, null, null])
    expect(existsSync(join(home(), 'secrets-migration.json'))).toBe(false)
  })

  it('refuses while FTB_SECRET_STORE is set, and changes nothing', async () => {
    const result = await migrate('keyring-napi', { FTB_SECRET_STORE: 'keychain' })
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(
      /^Error: FTB_SECRET_STORE=keychain is set and wins over the secretStore setting: unset it to migrate/,
    )
    expect(await inKeytar()).toEqual([token, PING_URL, DRIVE_SECRET])
    expect(await inNapi()).toEqual([null, null, null])
    expect(secretStoreSetting()).toBe('keychain')
  })

  it('refuses an unknown store as a usage error', async () => {
    const result = await migrate('vault')
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^Error: --to must be one of keychain, keyring-napi, file\. /)
    expect(await inKeytar()).toEqual([token, PING_URL, DRIVE_SECRET])
  })
})
