import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { GraphEmulator } from '../emulators/graph/index.ts'
import { writeBackup } from '../support/backup-files.ts'
import { runCli, tempDir } from '../support/cli-process.ts'
import {
  CLIENT_ID,
  connectOneDrive,
  oneDriveEnv,
  startOneDriveEmulator,
} from '../support/onedrive-fixture.ts'
import { history, parseJson, type UploadReport } from '../support/upload-fixture.ts'

const open: GraphEmulator[] = []
afterEach(async () => {
  for (const emulator of open.splice(0)) await emulator.close()
})

async function connectedHome() {
  const { emulator, loopbackPort } = await startOneDriveEmulator({ driveType: 'personal' })
  open.push(emulator)
  const env = oneDriveEnv(emulator, loopbackPort)
  return { emulator, env, connectionId: await connectOneDrive(env) }
}

function secretsOf(env: NodeJS.ProcessEnv): Record<string, string> {
  return JSON.parse(readFileSync(join(env.FTB_HOME!, 'secrets.json'), 'utf8'))
}

describe('OneDrive in the CLI', () => {
  it('providers show onedrive: the common tenant’s endpoints, the app-folder scopes, no client secret', async () => {
    const env = {
      FTB_HOME: tempDir('home'),
      FTB_SECRET_STORE: 'file',
      ONEDRIVE_CLIENT_ID: CLIENT_ID,
    }
    const result = await runCli(['providers', 'show', 'onedrive', '--json'], env)
    expect(result.code, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({
      is_enabled: true,
      oauth: {
        client_id: CLIENT_ID,
        client_id_source: 'environment',
        uses_client_secret: false,
        authorization_url: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
        token_url: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
        scopes: ['Files.ReadWrite.AppFolder', 'offline_access', 'User.Read'],
      },
      default_target: '/Fermentrack Backups',
    })
  })

  it('without a client id OneDrive is not enabled, and says where to get one', async () => {
    const env = { FTB_HOME: tempDir('home'), FTB_SECRET_STORE: 'file', ONEDRIVE_CLIENT_ID: '' }
    const result = await runCli(['providers', 'show', 'onedrive', '--json'], env)
    expect(JSON.parse(result.stdout)).toMatchObject({
      is_enabled: false,
      reason: expect.stringContaining('Microsoft Entra'),
    })
  })

  it('connect onedrive, then upload: the account is listed and the file is in the app folder, verified by SHA-256', async () => {
    const { emulator, env, connectionId } = await connectedHome()
    const connections = await runCli(['connections', '--json'], env)
    expect(JSON.parse(connections.stdout)).toMatchObject([
      {
        connection_id: connectionId,
        provider: 'onedrive',
        account: { name: 'Brewer Example', email: 'brewer@example.com' },
        status: 'connected',
      },
    ])
    const tokens = JSON.parse(secretsOf(env)[connectionId]!) as { refresh_token: string }
    expect(connections.stdout).not.toContain(tokens.refresh_token)

    const path = await writeBackup(tempDir('backups'), 'cli.tar.xz', 300_000, 31)
    const upload = await runCli(['upload', path, '--connection', connectionId, '--json'], env)

    expect(upload.code, upload.stderr).toBe(0)
    const [report] = parseJson<UploadReport[]>(upload)
    expect(report).toMatchObject({
      status: 'done',
      remote_path: '/Fermentrack Backups/cli.tar.xz',
      checksum_algorithm: 'sha256',
    })
    expect(
      emulator.stored('/Fermentrack Backups/cli.tar.xz')?.bytes.equals(readFileSync(path)),
    ).toBe(true)
    expect((await history(env)).jobs[0]).toMatchObject({ status: 'done' })
  })

  it('disconnect forgets the tokens here and asks Microsoft nothing (it has no revocation for one app)', async () => {
    const { emulator, env, connectionId } = await connectedHome()
    const before = emulator.requests.length

    const result = await runCli(['disconnect', connectionId], env)

    expect(result.code, result.stderr).toBe(0)
    expect(Object.keys(secretsOf(env))).toEqual([])
    expect(emulator.requests.slice(before)).toEqual([])
  })
})
