import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { missingPermissionMessage } from '../../src/shared/connection-status.ts'
import { ERROR_CODES } from '../../src/shared/error-codes.ts'
import { APP_SCOPES } from '../emulators/dropbox/oauth-authorize.ts'
import { dropboxContentHash, writeBackup } from '../support/backup-files.ts'
import { runCli, startCli } from '../support/cli-process.ts'
import {
  connectDropbox,
  contentRequests,
  dropboxHomePerTest,
  history,
  parseJson,
  startWatch,
  status,
  stopCli,
  storedAt,
  type DropboxHome,
  type UploadReport,
} from '../support/upload-fixture.ts'
import { waitFor, waitForOutput, waitWhileRunning } from '../support/wait-for.ts'

// Each test drives several real CLI processes; a busy two-core machine needs more than 60 s.
vi.setConfig({ testTimeout: 120_000 })

const FOLDER = '/Fermentrack Backups'
const openHome = dropboxHomePerTest()

/** The connection's status as settings.json holds it, which every process reads. */
function savedStatus(h: DropboxHome): string | undefined {
  const settings = JSON.parse(readFileSync(join(h.home, 'settings.json'), 'utf8'))
  return settings.connections.find((c: { id: string }) => c.id === h.connectionId)?.status
}

async function expectStored(h: DropboxHome, path: string): Promise<void> {
  const name = path.slice(path.lastIndexOf('/') + 1)
  expect(storedAt(h.emulator, `${FOLDER}/${name}`)?.content_hash).toBe(
    await dropboxContentHash(path),
  )
}

describe('a reconnect from another process', () => {
  it('reaches a long-running watch: its next renewal uses the new sign-in, and it stays connected', async () => {
    // Tokens that live less than the 5-minute renewal margin are due at every use, so each
    // request the watch makes goes through a renewal, as a watch running for hours does.
    const h = await openHome({}, {}, { accessTokenTtlSeconds: 120 })
    const watch = await startWatch(h.backups, h.env)
    const first = await writeBackup(h.backups, 'first.tar.xz', 20_000, 1)
    await waitForOutput(watch, 'Uploaded first.tar.xz')

    // The user unlinks the app at Dropbox; the next backup finds the sign-in dead.
    h.emulator.revokeAll()
    const second = await writeBackup(h.backups, 'second.tar.xz', 30_000, 2)
    await waitWhileRunning(watch, () => savedStatus(h) === 'needs_reauth', {
      what: 'the connection to need reauth',
    })
    await waitWhileRunning(
      watch,
      async () => (await history(h.env)).jobs.find((j) => j.name === 'second.tar.xz'),
      { what: 'the second backup queued', intervalMs: 200 },
    )

    // Reconnected from a second process (the app, or `connect` in another terminal).
    expect(await connectDropbox(h.env)).toBe(h.connectionId)
    await waitForOutput(watch, 'Uploaded second.tar.xz', 60_000)

    // Past the new access token's life: the watch must renew it with the new refresh token.
    h.emulator.expireAccessTokens()
    const third = await writeBackup(h.backups, 'third.tar.xz', 40_000, 3)
    await waitForOutput(watch, 'Uploaded third.tar.xz', 60_000)
    expect((await stopCli(watch)).code).toBe(0)

    for (const path of [first, second, third]) await expectStored(h, path)
    expect(savedStatus(h)).toBe('connected')
    expect((await status(h.env)).connections).toMatchObject([
      { id: h.connectionId, status: 'connected' },
    ])
  })
})

describe('a Dropbox app without files.content.write', () => {
  it('marks the connection missing_permission, keeps the job queued without a request storm, and uploads after a reconnect', async () => {
    const withoutWrite = APP_SCOPES.filter((scope) => scope !== 'files.content.write')
    const h = await openHome({}, {}, { appScopes: withoutWrite })
    const path = await writeBackup(h.backups, 'refused.tar.xz', 20_000, 4)

    const cli = startCli(['upload', path, '--json'], h.env)
    cli.child.stdin.end()
    const refused = await waitFor(
      async () => (cli.child.exitCode === null ? undefined : await cli.done),
      {
        what: 'upload to end',
        detail: () => `content requests so far: ${contentRequests(h.emulator).length}`,
      },
    ).finally(() => cli.child.kill())

    expect(refused.code).toBe(1)
    const message = missingPermissionMessage('files.content.write')
    expect(parseJson<UploadReport[]>(refused)).toMatchObject([
      { status: 'queued', error: { code: 'missing_permission' } },
    ])
    expect(parseJson<UploadReport[]>(refused)[0]!.error!.message).toContain(message)
    expect(contentRequests(h.emulator).length).toBeLessThanOrEqual(3)
    expect((await history(h.env)).jobs).toMatchObject([{ status: 'queued', attempts: 0 }])
    expect(savedStatus(h)).toBe('missing_permission')
    for (const command of ['connections', 'status']) {
      const shown = await runCli([command], h.env)
      expect(shown.stdout).toContain(`[${missingPermissionMessage()}]`)
    }

    // The developer ticks the permission in the App Console; the user reconnects.
    h.emulator.setAppScopes([...APP_SCOPES])
    expect(await connectDropbox(h.env)).toBe(h.connectionId)
    expect(savedStatus(h)).toBe('connected')
    const again = await runCli(['upload', path, '--json'], h.env)
    expect(again.code, again.stderr).toBe(0)
    expect(parseJson<UploadReport[]>(again)).toMatchObject([{ status: 'done', error: null }])
    await expectStored(h, path)
  })
})

describe('disconnect while Dropbox cannot be reached', () => {
  it('removes the connection here, cancels its queued work, and says where to revoke it', async () => {
    const h = await openHome()
    const path = await writeBackup(h.backups, 'waiting.tar.xz', 10_000, 5)
    expect((await runCli(['pause'], h.env)).code).toBe(0)
    const upload = startCli(['upload', path], h.env)
    upload.child.stdin.end()
    await waitWhileRunning(upload, async () => (await history(h.env)).total === 1, {
      what: 'the job queued',
      intervalMs: 200,
    })
    await stopCli(upload)
    await h.emulator.close()

    const result = await runCli(['disconnect', h.connectionId], h.env)

    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toBe(`Disconnected ${h.connectionId} on this computer.\n`)
    expect(result.stderr).toContain(`Warning: ${ERROR_CODES.not_revoked.cause}`)
    expect(result.stderr).toContain('Settings → Connected apps')
    const secrets = JSON.parse(readFileSync(join(h.home, 'secrets.json'), 'utf8'))
    expect(Object.keys(secrets)).toEqual([])
    expect(savedStatus(h)).toBeUndefined()
    expect((await history(h.env)).jobs).toMatchObject([{ status: 'cancelled' }])
  })
})
