import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ProviderConfig } from '../../../src/main/auth/provider-config.ts'
import { createLogger } from '../../../src/main/log/logger.ts'
import { createFileStore } from '../../../src/main/secrets/file-store.ts'
import { SettingsStore } from '../../../src/main/store/settings-store.ts'
import { tempDir } from '../../support/cli-process.ts'

function setup(env: NodeJS.ProcessEnv = {}, builtIn: Record<string, string> = {}, raw?: object) {
  const home = tempDir('provider-config')
  if (raw) writeFileSync(join(home, 'settings.json'), JSON.stringify(raw))
  const settings = new SettingsStore(home)
  const secrets = createFileStore({ home, log: createLogger({ file: join(home, 'log.jsonl') }) })
  const config = new ProviderConfig({ settings, secrets: async () => secrets, env, builtIn })
  return { home, settings, secrets, config }
}

describe('provider settings', () => {
  it('lists every provider; an OAuth one without a client id says what to do', async () => {
    const { config } = setup()
    const list = await config.list()
    expect(list.map((p) => p.provider_id)).toEqual([
      'dropbox',
      'google-drive',
      'onedrive',
      'nextcloud',
      'webdav',
      's3',
      'local',
    ])
    expect(list.find((p) => p.provider_id === 'onedrive')).toMatchObject({
      is_enabled: false,
      reason: expect.stringContaining('Client ID'),
    })
    expect(list.find((p) => p.provider_id === 'local')).toMatchObject({ is_enabled: true })
  })

  it('takes the client id from the environment, else the settings, else the built-in key', async () => {
    const builtIn = { dropbox: 'release-key' }
    expect((await setup({}, builtIn).config.view('dropbox')).oauth).toMatchObject({
      clientId: 'release-key',
      clientIdSource: 'built-in',
    })
    const withEnv = setup({ DROPBOX_APP_KEY: 'env-key' }, builtIn)
    expect((await withEnv.config.view('dropbox')).oauth).toMatchObject({
      clientId: 'env-key',
      clientIdSource: 'environment',
    })
    await withEnv.config.configure({ provider: 'dropbox', changes: { clientId: 'my-key' } })
    expect((await withEnv.config.view('dropbox')).oauth).toMatchObject({
      clientId: 'env-key',
      clientIdSource: 'environment',
    })
    const noEnv = setup({}, builtIn)
    await noEnv.config.configure({ provider: 'dropbox', changes: { clientId: 'my-key' } })
    const view = await noEnv.config.view('dropbox')
    expect(view.oauth).toMatchObject({ clientId: 'my-key', clientIdSource: 'settings' })
    expect(view.is_enabled).toBe(true)
  })

  it('has Dropbox off until a key is known, and says what to do', async () => {
    const view = await setup().config.view('dropbox')
    expect(view).toMatchObject({ is_enabled: false, reason: expect.stringMatching(/app key/) })
    expect(view.oauth?.redirectUris).toEqual([
      'fermentrack-backup://oauth/callback',
      'http://127.0.0.1:53135/oauth/callback',
    ])
    expect(view.oauth?.authorizationUrlOptions).toEqual({ token_access_type: 'offline' })
  })

  it('refuses bad input and saves nothing', async () => {
    const { config, home } = setup()
    const before = readFileSync(join(home, 'settings.json'), 'utf8')
    const bad = [
      { authorizationUrl: 'http://example.com/authorize' },
      { tokenUrl: 'not a url' },
      { defaultTarget: 'relative/folder' },
      { authorizationUrlOptions: { a: 1 } },
      { scopes: [''] },
    ]
    for (const changes of bad) {
      await expect(
        config.configure({ provider: 'dropbox', changes: changes as never }),
      ).rejects.toMatchObject({ code: 'invalid_setting' })
    }
    await expect(
      config.configure({ provider: 'local', changes: { clientId: 'x' } }),
    ).rejects.toMatchObject({ code: 'invalid_setting' })
    await expect(config.view('ftp')).rejects.toMatchObject({ code: 'unknown_provider' })
    expect(readFileSync(join(home, 'settings.json'), 'utf8')).toBe(before)
  })

  it('accepts loopback http, keeps only what differs, and resets to the defaults', async () => {
    const { config, settings } = setup()
    await config.configure({
      provider: 'dropbox',
      changes: {
        clientId: 'k',
        authorizationUrl: 'http://127.0.0.1:9999/oauth2/authorize',
        authorizationUrlOptions: { token_access_type: 'offline', force_reapprove: 'true' },
        defaultTarget: '/Brewery',
      },
    })
    expect(settings.get().providers.dropbox).toEqual({
      clientId: 'k',
      authorizationUrl: 'http://127.0.0.1:9999/oauth2/authorize',
      authorizationUrlOptions: { token_access_type: 'offline', force_reapprove: 'true' },
      defaultTarget: '/Brewery',
    })
    expect((await config.view('dropbox')).defaultTarget).toBe('/Brewery')
    const reset = await config.configure({ provider: 'dropbox', changes: {}, reset: true })
    expect(settings.get().providers.dropbox).toBeUndefined()
    expect(reset.oauth?.authorizationUrl).toBe('https://www.dropbox.com/oauth2/authorize')
    expect(reset.defaultTarget).toBe('/Fermentrack Backups')
  })

  it('moves a version-1 dropboxAppKey into the Dropbox client id', async () => {
    const { config, settings } = setup({}, {}, { version: 1, dropboxAppKey: 'old-key' })
    expect(settings.get().providers.dropbox).toEqual({ clientId: 'old-key' })
    expect(settings.get()).not.toHaveProperty('dropboxAppKey')
    expect(await config.list()).toContainEqual(
      expect.objectContaining({ provider_id: 'dropbox', is_enabled: true }),
    )
  })
})
