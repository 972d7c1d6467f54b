import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { CompanionService } from '../../../src/main/companion/companion-service.ts'
import type { CommandName } from '../../../src/shared/ipc-contract.ts'
import { tempDir } from '../../support/cli-process.ts'
import { startCompanion } from '../../support/companion-fixture.ts'

const services: CompanionService[] = []
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.stop()))
})

const SECRET = 'client-secret-7f3a9c'

/** The real engine behind the contract, with no client id built in or in the environment. */
async function companion() {
  const home = tempDir('home')
  const copied: string[] = []
  const { service, engine, events } = await startCompanion(
    { FTB_HOME: home },
    { builtIn: {}, copyText: async (text) => void copied.push(text) },
  )
  services.push(service)
  // Everything that crossed back to the window, to search for what must never cross.
  const answers: unknown[] = []
  const invoke = async <C extends CommandName>(command: C, input?: unknown) => {
    const result = await service.invoke(command, input)
    answers.push(result)
    return result
  }
  return { service, engine, home, events, answers, invoke, copied }
}

function logText(home: string): string {
  return existsSync(join(home, 'logs', 'companion.log'))
    ? readFileSync(join(home, 'logs', 'companion.log'), 'utf8')
    : ''
}

function valueOf<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!result.ok) throw new Error(JSON.stringify(result.error))
  return result.value
}

describe('provider settings through the contract', () => {
  it('lists every provider with its settings and, for Connections, its connect fields', async () => {
    const { invoke } = await companion()
    const settings = valueOf(await invoke('providers.settings'))
    expect(settings.map((v) => [v.provider_id, v.available])).toEqual([
      ['dropbox', true],
      ['google-drive', true],
      ['onedrive', true],
      ['nextcloud', true],
      ['webdav', true],
      ['s3', true],
      ['local', true],
    ])
    expect(settings[0]).toMatchObject({
      is_enabled: false,
      oauth: { clientId: null, clientIdSource: 'none', redirectUris: expect.any(Array) },
    })
    const providers = valueOf(await invoke('providers.list'))
    expect(providers.find((p) => p.provider_id === 'local')).toMatchObject({
      auth: 'none',
      available: true,
      connectFields: [{ name: 'folder', label: 'Folder', kind: 'text', required: true }],
    })
    expect(providers.find((p) => p.provider_id === 'dropbox')).toMatchObject({
      auth: 'oauth-pkce',
      is_enabled: false,
      connectFields: [],
      docsUrl: expect.stringMatching(/#dropbox$/),
    })
  })

  it('configures a provider from scratch, reads it back, and tells Connections it changed', async () => {
    const { invoke, events, home } = await companion()
    const view = valueOf(
      await invoke('providers.configure', {
        provider: 'dropbox',
        changes: {
          clientId: 'my-app-key',
          authorizationUrlOptions: { token_access_type: 'offline', force_reapprove: 'true' },
          defaultTarget: '/Brewery',
        },
      }),
    )
    expect(view).toMatchObject({
      is_enabled: true,
      reason: null,
      defaultTarget: '/Brewery',
      oauth: {
        clientId: 'my-app-key',
        clientIdSource: 'settings',
        authorizationUrlOptions: { token_access_type: 'offline', force_reapprove: 'true' },
      },
    })
    const [again] = valueOf(await invoke('providers.settings'))
    expect(again).toEqual(view)
    const stored = JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8'))
    expect(stored.providers.dropbox).toEqual({
      clientId: 'my-app-key',
      authorizationUrlOptions: { token_access_type: 'offline', force_reapprove: 'true' },
      defaultTarget: '/Brewery',
    })
    const changed = events.filter(([name]) => name === 'providers.changed').map(([, p]) => p)
    expect(changed).toEqual([
      expect.arrayContaining([
        expect.objectContaining({ provider_id: 'dropbox', is_enabled: true }),
      ]),
    ])

    const reset = valueOf(
      await invoke('providers.configure', { provider: 'dropbox', changes: {}, reset: true }),
    )
    expect(reset).toMatchObject({ is_enabled: false, oauth: { clientId: null } })
    expect(JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8')).providers).toEqual({})
  })

  it('takes a client secret into the secret store and never answers with it', async () => {
    const { invoke, events, answers, home } = await companion()
    const view = valueOf(
      await invoke('providers.configure', {
        provider: 'dropbox',
        changes: { clientId: 'my-app-key' },
        clientSecret: SECRET,
      }),
    )
    expect(view.oauth).not.toHaveProperty('clientSecret')
    // Kept where secrets live, and nowhere else.
    expect(readFileSync(join(home, 'secrets.json'), 'utf8')).toContain(SECRET)
    expect(readFileSync(join(home, 'settings.json'), 'utf8')).not.toContain(SECRET)
    await invoke('providers.settings')
    await invoke('providers.list')
    // Refused input names the field, not what was typed.
    const tooLong = await invoke('providers.configure', {
      provider: 'dropbox',
      changes: {},
      clientSecret: `${SECRET}${'x'.repeat(1000)}`,
    })
    expect(tooLong).toMatchObject({
      ok: false,
      error: { code: 'invalid_setting', message: expect.stringContaining('"clientSecret"') },
    })
    expect(answers).toHaveLength(4)
    for (const crossed of [...answers, ...events])
      expect(JSON.stringify(crossed)).not.toContain(SECRET)
    expect(logText(home)).not.toContain(SECRET)
  })

  it('refuses bad settings with one line naming the field, and saves nothing', async () => {
    const { invoke, home } = await companion()
    for (const [changes, field] of [
      [{ authorizationUrl: 'http://auth.example.com/authorize' }, 'changes.authorizationUrl'],
      [{ authorizationUrlOptions: { token_access_type: 1 } }, 'changes.authorizationUrlOptions'],
      [{ defaultTarget: 'Backups' }, 'changes.defaultTarget'],
      [{ clientId: 'k', colour: 'blue' }, 'changes'],
    ] as const) {
      const result = await invoke('providers.configure', { provider: 'dropbox', changes })
      expect(result).toMatchObject({
        ok: false,
        error: { code: 'invalid_setting', message: expect.stringContaining(`"${field}`) },
      })
    }
    expect(JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8')).providers).toEqual({})
  })
})

describe('connecting through the contract', () => {
  it('tests a provider’s fields against the provider itself and saves nothing', async () => {
    const { invoke, engine, home, answers } = await companion()
    const folder = tempDir('nas')
    const works = await invoke('connections.test', { provider: 'local', fields: { folder } })
    expect(works).toEqual({
      ok: true,
      value: { account: { id: folder, name: folder, email: '' }, space: null },
    })
    const missing = join(folder, 'not-there')
    expect(
      await invoke('connections.test', {
        provider: 'local',
        fields: { folder: missing, password: SECRET },
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'destination_unavailable', message: expect.stringContaining(missing) },
    })
    expect(engine.connections.list()).toEqual([])
    expect(JSON.stringify(answers)).not.toContain(SECRET)
    // Nothing saved: no connection, and no secret store written.
    expect(() => readFileSync(join(home, 'secrets.json'), 'utf8')).toThrow()
    expect(logText(home)).not.toContain(SECRET)
  })

  it('has no dry run for a sign-in, and names why', async () => {
    const { invoke } = await companion()
    await invoke('providers.configure', { provider: 'dropbox', changes: { clientId: 'k' } })
    expect(await invoke('connections.test', { provider: 'dropbox', fields: {} })).toMatchObject({
      ok: false,
      error: { code: 'usage', message: expect.stringContaining('use Connect instead') },
    })
  })

  it('connects only enabled providers, and the folder needs no sign-in', async () => {
    const { invoke } = await companion()
    expect(await invoke('connections.connect', { provider: 'dropbox' })).toMatchObject({
      ok: false,
      error: { code: 'provider_not_enabled', message: expect.stringContaining('Client ID') },
    })
    expect(await invoke('connections.connect', { provider: 'onedrive', fields: {} })).toMatchObject(
      {
        ok: false,
        error: { code: 'provider_not_enabled', message: expect.stringContaining('Client ID') },
      },
    )
    expect(await invoke('connections.connect', { provider: 'google-drive' })).toMatchObject({
      ok: false,
      error: { code: 'provider_not_enabled', message: expect.stringContaining('Client ID') },
    })
    expect(
      await invoke('connections.connect', { provider: 'local', fields: { folder: '/tmp' } }),
    ).toMatchObject({ ok: false, error: { message: expect.stringContaining('needs no sign-in') } })
    // Field values are checked as data: no objects, no unknown keys at the top.
    expect(
      await invoke('connections.connect', { provider: 'local', fields: { folder: { x: 1 } } }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_request' } })
    expect(await invoke('connections.connect', { provider: 'local', extra: true })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    })
  })

  it('copies text for the window', async () => {
    const { invoke, copied } = await companion()
    expect(await invoke('app.copyText', { text: 'http://127.0.0.1:53135/oauth/callback' })).toEqual(
      {
        ok: true,
        value: undefined,
      },
    )
    expect(copied).toEqual(['http://127.0.0.1:53135/oauth/callback'])
  })
})
