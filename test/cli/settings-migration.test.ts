import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { writeBackup } from '../support/backup-files.ts'
import { runCli, startCli, tempDir } from '../support/cli-process.ts'
import { waitForOutput } from '../support/wait-for.ts'
import { APP_KEY } from '../support/dropbox-fixture.ts'
import {
  dropboxHomePerTest,
  parseJson,
  stopCli,
  storedAt,
  type UploadReport,
} from '../support/upload-fixture.ts'

// Several real CLI processes per test on a busy two-core machine.
vi.setConfig({ testTimeout: 120_000 })

const openHome = dropboxHomePerTest()

const readSettings = (home: string) =>
  JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8')) as Record<string, unknown> & {
    connections: Array<Record<string, unknown>>
  }

/**
 * Rewrites FTB_HOME/settings.json as the version before providers wrote it: the app key in
 * `dropboxAppKey`, connections without `config`, no `providers`.
 */
function writeVersion1(home: string, appKey: string | undefined): void {
  const { providers: _, connections, ...rest } = readSettings(home)
  const v1 = {
    ...rest,
    version: 1,
    ...(appKey ? { dropboxAppKey: appKey } : {}),
    connections: connections.map(({ config: _config, ...connection }) => connection),
  }
  writeFileSync(join(home, 'settings.json'), JSON.stringify(v1, null, 2))
}

async function dropboxShown(env: NodeJS.ProcessEnv) {
  const result = await runCli(['providers', 'show', 'dropbox', '--json'], env)
  expect(result.code, result.stderr).toBe(0)
  return parseJson<{ is_enabled: boolean; oauth: { client_id: string; client_id_source: string } }>(
    result,
  )
}

describe('settings version 1 → 2', () => {
  it('dropboxAppKey becomes the Dropbox Client ID; the connection is untouched and still uploads', async () => {
    const h = await openHome()
    const before = readSettings(h.home).connections
    writeVersion1(h.home, APP_KEY)
    // No key in the environment: only the migrated setting can enable Dropbox now.
    const env = { ...h.env, DROPBOX_APP_KEY: '' }

    expect(await dropboxShown(env)).toMatchObject({
      is_enabled: true,
      oauth: { client_id: APP_KEY, client_id_source: 'settings' },
    })
    const after = readSettings(h.home)
    expect(after.version).toBe(3)
    expect(after).not.toHaveProperty('dropboxAppKey')
    expect(after.providers).toEqual({ dropbox: { clientId: APP_KEY } })
    expect(after.connections).toEqual(before)

    const listed = await runCli(['connections', '--json'], env)
    expect(listed.code, listed.stderr).toBe(0)
    expect(parseJson<Array<Record<string, unknown>>>(listed)).toMatchObject([
      { connection_id: h.connectionId, provider: 'dropbox', status: 'connected' },
    ])

    // An expired access token: the upload must renew it, which Dropbox allows only with the
    // app key the connection was made with (the emulator checks client_id).
    h.emulator.expireAccessTokens()
    const renewals = () => h.emulator.requests.filter((r) => r.path === '/oauth2/token').length
    const renewedBefore = renewals()
    const file = await writeBackup(h.backups, '2026-12-01T08.00.00.tar.xz', 50_000, 7)
    const result = await runCli(['upload', file, '--json'], env)
    expect(result.code, result.stderr).toBe(0)
    expect(parseJson<UploadReport[]>(result)).toMatchObject([
      { connection_id: h.connectionId, status: 'done', error: null },
    ])
    expect(renewals()).toBeGreaterThan(renewedBefore)
    expect(storedAt(h.emulator, '/Fermentrack Backups/2026-12-01T08.00.00.tar.xz')?.size).toBe(
      50_000,
    )
    expect(readSettings(h.home).connections).toEqual(before)
  })

  it('a version-1 file without dropboxAppKey: DROPBOX_APP_KEY alone still enables Dropbox and uploads', async () => {
    const h = await openHome()
    writeVersion1(h.home, undefined)

    expect(await dropboxShown(h.env)).toMatchObject({
      is_enabled: true,
      oauth: { client_id: APP_KEY, client_id_source: 'environment' },
    })
    // The environment is not copied into the file: unset it and Dropbox is not enabled again.
    expect(readSettings(h.home).providers).toEqual({})
    expect((await dropboxShown({ ...h.env, DROPBOX_APP_KEY: '' })).is_enabled).toBe(false)

    const file = await writeBackup(h.backups, 'env-only.tar.xz', 4096, 3)
    const result = await runCli(['upload', file, '--json'], h.env)
    expect(result.code, result.stderr).toBe(0)
    expect(storedAt(h.emulator, '/Fermentrack Backups/env-only.tar.xz')).toBeDefined()
  })

  it('DROPBOX_APP_KEY alone enables Dropbox in a home that has no settings file yet', async () => {
    const fresh = { FTB_HOME: tempDir('home'), DROPBOX_APP_KEY: APP_KEY, FTB_SECRET_STORE: 'file' }
    const listed = await runCli(['providers', '--json'], fresh)
    expect(listed.code, listed.stderr).toBe(0)
    expect(parseJson<Array<{ provider_id: string; is_enabled: boolean }>>(listed)[0]).toEqual(
      expect.objectContaining({ provider_id: 'dropbox', is_enabled: true }),
    )
    expect(existsSync(join(fresh.FTB_HOME, 'settings.json'))).toBe(true)
    expect(readSettings(fresh.FTB_HOME).providers).toEqual({})
  })
})

describe('settings version 2 → 3', () => {
  it('the watchFolder becomes the one source, and `watch` uploads to the same remote paths as before', async () => {
    const h = await openHome({ settleSeconds: 0.5 })
    const { sources: _, ...rest } = readSettings(h.home)
    writeFileSync(
      join(h.home, 'settings.json'),
      JSON.stringify({ ...rest, version: 2, watchFolder: h.backups }, null, 2),
    )

    const listed = await runCli(['sources', '--json'], h.env)
    expect(listed.code, listed.stderr).toBe(0)
    expect(parseJson(listed)).toEqual([
      {
        id: 'fermentrack',
        label: 'Fermentrack',
        folder: h.backups,
        remote_subfolder: null,
        destinations: null,
      },
    ])
    const after = readSettings(h.home)
    expect(after.version).toBe(3)
    expect(after).not.toHaveProperty('watchFolder')

    const watch = startCli(['watch'], h.env)
    watch.child.stdin.end()
    await waitForOutput(watch, `Watching ${h.backups} (Fermentrack)`)
    await writeBackup(h.backups, '2026-12-02T08.00.00.tar.xz', 5000, 4)
    await waitForOutput(watch, 'Uploaded 2026-12-02T08.00.00.tar.xz')
    expect(storedAt(h.emulator, '/Fermentrack Backups/2026-12-02T08.00.00.tar.xz')?.size).toBe(5000)
    expect((await stopCli(watch)).code).toBe(0)
  })
})
