import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { writeBackup } from '../support/backup-files.ts'
import { runCli, tempDir, transcript } from '../support/cli-process.ts'
import { WEBDAV_SERVERS, type WebdavServer } from '../support/webdav-servers.ts'

// Several real CLI processes per test on a busy two-core machine.
vi.setConfig({ testTimeout: 120_000 })

/** Every file below FTB_HOME, as text: settings, the secret store, the logs, the queue. */
function homeFiles(home: string): Array<{ name: string; text: string }> {
  return (readdirSync(home, { recursive: true }) as string[])
    .map((name) => join(home, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => ({ name: path, text: readFileSync(path).toString('latin1') }))
}

describe.each(WEBDAV_SERVERS)('CLI with WebDAV ($name)', (kind) => {
  let server: WebdavServer
  const made: string[] = []
  const dir = (prefix: string) => {
    const path = tempDir(prefix)
    made.push(path)
    return path
  }
  const connectArgs = () => [
    'connect',
    'webdav',
    '--url',
    server.url,
    '--username',
    server.username,
    '--password-stdin',
    '--json',
  ]

  beforeAll(async () => {
    server = await kind.start()
  })
  afterAll(async () => {
    await server?.close()
    for (const path of made) rmSync(path, { recursive: true, force: true })
  })

  it('a wrong password: one line naming the cause, exit 1, no connection and no secret saved', async () => {
    const home = dir('webdav-home')
    const env = { FTB_HOME: home, FTB_SECRET_STORE: 'file' }
    const result = await runCli(connectArgs(), env, 'not-the-password\n')
    expect(result.code).toBe(1)
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('Error:'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain('refused the user name or password')
    expect(result.stderr + result.stdout).not.toContain('not-the-password')
    const settings = join(home, 'settings.json')
    if (existsSync(settings))
      expect(JSON.parse(readFileSync(settings, 'utf8')).connections ?? []).toEqual([])
    const secrets = join(home, 'secrets.json')
    if (existsSync(secrets)) expect(JSON.parse(readFileSync(secrets, 'utf8'))).toEqual({})
    const listed = await runCli(['connections', '--json'], env)
    expect(JSON.parse(listed.stdout)).toEqual([])
  })

  it('a password written into the URL is refused without repeating it', async () => {
    const home = dir('webdav-home')
    const env = { FTB_HOME: home, FTB_SECRET_STORE: 'file' }
    const url = new URL(server.url)
    url.username = server.username
    url.password = 'url-borne-secret'
    const args = connectArgs().map((a) => (a === server.url ? url.href : a))
    const result = await runCli(args, env, `${server.password}\n`)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('give them in their own fields')
    expect(result.stderr + result.stdout).not.toContain('url-borne-secret')
    expect(existsSync(join(home, 'secrets.json'))).toBe(false)
  })

  it('connect, then upload: the file is on the server, verified, and the password is nowhere', async () => {
    const home = dir('webdav-home')
    const env = { FTB_HOME: home, FTB_SECRET_STORE: 'file' }
    const connected = await runCli(connectArgs(), env, `${server.password}\n`)
    expect(connected.code).toBe(0)
    const connection = JSON.parse(connected.stdout) as { connection_id: string; provider: string }
    expect(connection.provider).toBe('webdav')

    const backups = dir('webdav-backups')
    const path = await writeBackup(backups, '2026-11-22T10.00.00.tar.xz', 3 * 1024 * 1024 + 17, 9)
    const uploaded = await runCli(['upload', path, '--json'], env)
    expect(uploaded.code).toBe(0)
    const [job] = JSON.parse(uploaded.stdout) as Array<{ status: string; remote_path: string }>
    expect(job).toMatchObject({
      status: 'done',
      remote_path: '/Fermentrack Backups/2026-11-22T10.00.00.tar.xz',
    })
    const stored = readFileSync(join(server.root, 'Fermentrack Backups/2026-11-22T10.00.00.tar.xz'))
    expect(stored.equals(readFileSync(path))).toBe(true)

    // The history says how the copy was verified.
    const history = await runCli(['history', '--json'], env)
    const { jobs } = JSON.parse(history.stdout) as { jobs: Array<Record<string, unknown>> }
    expect(jobs[0]).toMatchObject({
      checksum_algorithm: 'sha256',
      verified_by: 'size and first/last MiB read back',
    })

    // The same file again: nothing is sent, the job is done with the copy already there.
    const again = await runCli(['upload', path, '--json'], env)
    expect(JSON.parse(again.stdout)[0]).toMatchObject({ status: 'done' })
    expect(readdirSync(join(server.root, 'Fermentrack Backups'))).toEqual([
      '2026-11-22T10.00.00.tar.xz',
    ])

    const files = homeFiles(home)
    expect(files.some((f) => f.name.endsWith('settings.json'))).toBe(true)
    expect(files.some((f) => f.name.includes('logs'))).toBe(true)
    // Only the secret store holds it.
    for (const file of files) {
      if (file.name.endsWith('secrets.json')) expect(file.text).toContain(server.password)
      else expect(file.text, file.name).not.toContain(server.password)
    }
    for (const text of transcript) expect(text).not.toContain(server.password)
  })
})
