import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { S3Emulator } from '../emulators/s3/server.ts'
import { MIB, writeBackup } from '../support/backup-files.ts'
import { runCli, startCli, tempDir, transcript } from '../support/cli-process.ts'
import { connectS3, connectS3Args, S3_SECRET, s3Env } from '../support/s3-home.ts'
import { stderrBeyondWarnings, writeSettings } from '../support/upload-fixture.ts'
import { waitWhileRunning } from '../support/wait-for.ts'

// Several real CLI processes and tens of MiB per test, on two busy cores (94 s seen under the full suite).
vi.setConfig({ testTimeout: 180_000 })

let emulator: S3Emulator
const dirs: string[] = []
beforeEach(async () => {
  emulator = await S3Emulator.start()
})
afterEach(async () => {
  await emulator.close()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function home(): NodeJS.ProcessEnv {
  const env = s3Env()
  dirs.push(env.FTB_HOME!)
  return env
}

const settingsOf = (env: NodeJS.ProcessEnv) =>
  readFileSync(join(env.FTB_HOME!, 'settings.json'), 'utf8')
const secretsPath = (env: NodeJS.ProcessEnv) => join(env.FTB_HOME!, 'secrets.json')

/** Everything a user or a log could see: CLI output, settings, logs. */
function everythingPrinted(env: NodeJS.ProcessEnv): string {
  const logs = join(env.FTB_HOME!, 'logs')
  const logText = existsSync(logs)
    ? readdirSync(logs).map((f) => readFileSync(join(logs, f), 'utf8'))
    : []
  const settings = existsSync(join(env.FTB_HOME!, 'settings.json')) ? settingsOf(env) : ''
  return [...transcript, settings, ...logText].join('\n')
}

describe('connect s3', () => {
  it('checks the keys with HeadBucket and a one-key listing, and keeps the secret only in the secret store', async () => {
    const env = home()
    const { result, connectionId } = await connectS3(emulator, env)
    expect(result.code, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({
      provider: 's3',
      account: { name: `backups@${emulator.endpoint}` },
      status: 'connected',
    })
    const checks = emulator.requests.map(
      (r) =>
        `${r.method} ${r.query.get('list-type') ?? ''}${r.query.get('max-keys') ?? ''} ${r.status}`,
    )
    expect(checks).toEqual(['HEAD  200', 'GET 21 200'])
    const settings = JSON.parse(settingsOf(env)) as {
      connections: Array<{ id: string; config: unknown }>
    }
    expect(settings.connections).toEqual([
      expect.objectContaining({
        id: connectionId,
        config: {
          endpoint: emulator.endpoint,
          region: 'us-east-1',
          bucket: 'backups',
          prefix: '',
          pathStyle: true,
          accessKeyId: emulator.accessKeyId,
        },
      }),
    ])
    expect(JSON.parse(readFileSync(secretsPath(env), 'utf8'))).toEqual({
      [connectionId]: JSON.stringify({ secretAccessKey: S3_SECRET }),
    })
    expect(everythingPrinted(env)).not.toContain(S3_SECRET)
  })

  it('a wrong secret is one line naming the refusal, and nothing is saved', async () => {
    const env = home()
    const { result } = await connectS3(emulator, env, 'not-the-secret')
    expect(result.code).not.toBe(0)
    const lines = stderrBeyondWarnings(result.stderr).trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('SignatureDoesNotMatch')
    expect(lines[0]).not.toContain('not-the-secret')
    expect(result.stdout).toBe('')
    const settings = existsSync(join(env.FTB_HOME!, 'settings.json'))
      ? JSON.parse(settingsOf(env))
      : {}
    expect(settings.connections ?? []).toEqual([])
    expect(
      existsSync(secretsPath(env)) ? readFileSync(secretsPath(env), 'utf8') : '',
    ).not.toContain('not-the-secret')
  })

  it('an unknown bucket is one line that says to check the bucket name', async () => {
    const env = home()
    const args = connectS3Args(emulator).map((a) => (a === 'backups' ? 'no-such-bucket' : a))
    const result = await runCli(args, env, `${S3_SECRET}\n`)
    expect(result.code).not.toBe(0)
    const lines = stderrBeyondWarnings(result.stderr).trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('check the bucket name')
    expect(existsSync(secretsPath(env))).toBe(false)
  })

  it('refuses plain http to another host before sending anything', async () => {
    const env = home()
    const args = connectS3Args(emulator).map((a) =>
      a === emulator.endpoint ? 'http://s3.example.com' : a,
    )
    const result = await runCli(args, env, `${S3_SECRET}\n`)
    expect(result.code).not.toBe(0)
    expect(stderrBeyondWarnings(result.stderr)).toContain('--endpoint must be an https URL')
    expect(emulator.requests).toEqual([])
  })
})

describe('uploads to S3 through the CLI', () => {
  it('uploads a backup and the bucket holds the same bytes', async () => {
    const env = home()
    const { connectionId } = await connectS3(emulator, env)
    const backups = tempDir('backups')
    dirs.push(backups)
    const path = await writeBackup(backups, '2026-11-22T10.00.00.tar.xz', 200_000, 3)
    const result = await runCli(['upload', path, '--json'], env)
    expect(result.code, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject([
      {
        connection_id: connectionId,
        status: 'done',
        remote_path: '/Fermentrack Backups/2026-11-22T10.00.00.tar.xz',
      },
    ])
    expect(await emulator.stored('Fermentrack Backups/2026-11-22T10.00.00.tar.xz')).toEqual(
      readFileSync(path),
    )
    expect(everythingPrinted(env)).not.toContain(S3_SECRET)
  })

  it('after kill -9 mid-parts, a restarted upload sends only the parts the server lacks', async () => {
    const env = home()
    await connectS3(emulator, env)
    writeSettings(env.FTB_HOME!, { chunkSize: 8 * MIB })
    const backups = tempDir('backups')
    dirs.push(backups)
    const path = await writeBackup(backups, 'killed.tar.xz', 3 * 8 * MIB + 4321, 9)
    const isPart = (r: { method: string; query: URLSearchParams }) =>
      r.method === 'PUT' && r.query.has('partNumber')
    // Each part is held a while, so the kill lands between two acknowledged parts.
    emulator.delay({ match: isPart, ms: 300 })
    const storedParts = () =>
      emulator.requests
        .filter((r) => isPart(r) && r.status === 200)
        .map((r) => Number(r.query.get('partNumber')))
    const first = startCli(['upload', path, '--json'], env)
    first.child.stdin.end()
    await waitWhileRunning(first, () => storedParts().length >= 2, {
      what: 'two stored parts',
      timeoutMs: 60_000,
    })
    first.child.kill('SIGKILL')
    expect((await first.done).code).toBeNull()
    const before = storedParts()
    expect(emulator.pendingUploads()).toHaveLength(1)
    const seen = emulator.requests.length

    const second = await runCli(['upload', path, '--json'], env)
    expect(second.code, second.stderr).toBe(0)
    const after = emulator.requests.slice(seen)
    expect(after.some((r) => r.method === 'GET' && r.query.has('uploadId'))).toBe(true)
    const resent = after
      .filter((r) => isPart(r) && r.status === 200)
      .map((r) => Number(r.query.get('partNumber')))
    expect([...before, ...resent].sort()).toEqual([1, 2, 3, 4])
    expect(resent.filter((n) => before.includes(n))).toEqual([])
    expect(await emulator.stored('Fermentrack Backups/killed.tar.xz')).toEqual(readFileSync(path))
    expect(emulator.pendingUploads()).toEqual([])
    expect(everythingPrinted(env)).not.toContain(S3_SECRET)
  })
})
