import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKeychainStore } from '../../src/main/secrets/keychain-store.ts'
import type { DropboxEmulator } from '../emulators/dropbox/index.ts'
import { authorizeRedirect } from '../support/browser.ts'
import { runCli, startCli, transcript } from '../support/cli-process.ts'
import { cliEnv, startEmulator } from '../support/dropbox-fixture.ts'

let emulator: DropboxEmulator
let loopbackPort: number
beforeAll(async () => ({ emulator, loopbackPort } = await startEmulator()))
afterAll(() => emulator.close())

async function connected(extra: NodeJS.ProcessEnv = {}) {
  const home = cliEnv(emulator, loopbackPort, extra)
  const cli = startCli(
    ['connect', 'dropbox', '--redirect', 'loopback', '--no-browser', '--json'],
    home,
  )
  await fetch(await authorizeRedirect(await cli.firstLine))
  const result = await cli.done
  expect(result.code).toBe(0)
  const id = JSON.parse(result.stdout.split('\n').slice(1).join('\n')).connection_id as string
  return { home, id }
}

async function listed(home: NodeJS.ProcessEnv) {
  const result = await runCli(['connections', '--json'], home)
  return { ...result, connections: JSON.parse(result.stdout) as Array<Record<string, unknown>> }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
}

describe('tokens', () => {
  it('live in the keychain under the connection id, and the summary shows space used', async () => {
    const { home, id } = await connected()
    const stored = JSON.parse((await createKeychainStore().get(id))!)
    expect(Object.keys(stored).sort()).toEqual(['access_token', 'expires_at', 'refresh_token'])
    expect(emulator.issuedSecrets()).toContain(stored.refresh_token)
    const { connections } = await listed(home)
    expect(connections[0]).toMatchObject({
      connection_id: id,
      status: 'connected',
      space: { used: expect.any(Number), allocated: expect.any(Number) },
    })
  })

  it('are refreshed once after an access token expires, and the request replayed', async () => {
    const { home } = await connected()
    emulator.expireAccessTokens()
    const before = emulator.count('/oauth2/token')
    const { code, connections } = await listed(home)
    expect(code).toBe(0)
    expect(connections[0]!.status).toBe('connected')
    expect(emulator.count('/oauth2/token')).toBe(before + 1)
  })

  it('survive 5xx and 429 answers by retrying, honouring Retry-After', async () => {
    const { home } = await connected()
    emulator.injectFault('/2/users/get_current_account', { kind: 'status', status: 503 })
    emulator.injectFault('/2/users/get_space_usage', {
      kind: 'rate_limit',
      retryAfter: 1,
      body: 'json',
    })
    const started = Date.now()
    const { code, connections } = await listed(home)
    expect(code).toBe(0)
    expect(connections[0]!.status).toBe('connected')
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
  })

  it('revoked by the user: the connection needs reauth, is kept, and reconnecting revives it', async () => {
    const { home, id } = await connected()
    emulator.expireAccessTokens()
    emulator.revokeAll()
    const result = await listed(home)
    expect(result.stderr).toContain('The provider no longer accepts this connection')
    expect(result.connections).toMatchObject([{ connection_id: id, status: 'needs_reauth' }])
    const cli = startCli(
      ['connect', 'dropbox', '--redirect', 'loopback', '--no-browser', '--json'],
      home,
    )
    await fetch(await authorizeRedirect(await cli.firstLine))
    expect((await cli.done).code).toBe(0)
    expect((await listed(home)).connections).toMatchObject([
      { connection_id: id, status: 'connected' },
    ])
  })

  it('disconnect revokes at Dropbox and forgets the tokens', async () => {
    const { home, id } = await connected()
    const stored = JSON.parse((await createKeychainStore().get(id))!)
    const revokes = emulator.count('/2/auth/token/revoke')
    const result = await runCli(['disconnect', id], home)
    expect(result).toMatchObject({
      code: 0,
      stdout: `Disconnected ${id}; its access is revoked.\n`,
    })
    expect(emulator.count('/2/auth/token/revoke')).toBe(revokes + 1)
    expect(await createKeychainStore().get(id)).toBeNull()
    expect((await listed(home)).connections).toEqual([])
    const refresh = await fetch(`${emulator.url}/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: stored.refresh_token,
        client_id: 'test-app-key',
      }),
    })
    expect(refresh.status).toBe(400)
    expect((await runCli(['disconnect', id], home)).code).toBe(1)
  })

  it('never appear in settings, sign-in records, logs or anything the CLI printed', async () => {
    const { home } = await connected({ FTB_LOG_LEVEL: 'debug' })
    emulator.expireAccessTokens()
    expect((await listed(home)).code).toBe(0)
    const secrets = emulator.issuedSecrets()
    expect(secrets.length).toBeGreaterThan(2)
    const written = filesUnder(home.FTB_HOME).map((path) => readFileSync(path, 'utf8'))
    expect(written.length).toBeGreaterThanOrEqual(3)
    for (const text of [...written, ...transcript]) {
      for (const secret of secrets) expect(text).not.toContain(secret)
    }
  })
})

describe('the file secret store', () => {
  it('is owner-only, and every start warns that tokens are unencrypted', async () => {
    const { home, id } = await connected({ FTB_SECRET_STORE: 'file' })
    const file = join(home.FTB_HOME, 'secrets.json')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')))).toEqual([id])
    const result = await runCli(['providers'], home)
    expect(result.stderr).toContain(`Warning: Tokens are stored UNENCRYPTED in ${file}`)
  })
})

describe('an unreachable keychain', () => {
  it('stops connect before the browser opens, naming both remedies, with no plaintext fallback', async () => {
    const home = cliEnv(emulator, loopbackPort, {
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus',
      DISPLAY: '',
    })
    const result = await runCli(
      ['connect', 'dropbox', '--redirect', 'loopback', '--no-browser'],
      home,
    )
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/^Error: .*keychain.*FTB_SECRET_STORE=file/s)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(readdirSync(home.FTB_HOME)).not.toContain('secrets.json')
  })
})
