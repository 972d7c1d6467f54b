import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { writeBackup } from '../support/backup-files.ts'
import { runCli, tempDirsPerTest, type CliResult } from '../support/cli-process.ts'
import { startPingMonitor, type PingMonitor } from '../support/ping-monitor.ts'
import { writeSettings } from '../support/upload-fixture.ts'

// Real CLI processes on a busy two-core machine; a silent monitor costs the 5 s ping time-out.
vi.setConfig({ testTimeout: 120_000 })

const dir = tempDirsPerTest()
afterEach(() => {
  for (const monitor of monitors.splice(0)) monitor.close()
})

const SECRET_PATH = '/ping/0a1b2c3d-hand-written-secret'

/** A fresh FTB_HOME whose settings.json a brewer wrote by hand, and a local folder to upload to. */
function handWrittenHome(settings: Record<string, unknown>) {
  const home = dir('home')
  writeSettings(home, { version: 3, ...settings } as never)
  const env: NodeJS.ProcessEnv = {
    FTB_HOME: home,
    FTB_SECRET_STORE: 'file',
    FTB_LOCAL_DESTINATION: dir('nas'),
    DROPBOX_APP_KEY: '',
  }
  return { env, home, backups: dir('backups') }
}

const monitors: PingMonitor[] = []
async function startMonitor(answer = true): Promise<PingMonitor> {
  const monitor = await startPingMonitor(answer)
  monitors.push(monitor)
  return monitor
}

const settingsText = (home: string) => readFileSync(join(home, 'settings.json'), 'utf8')
const logText = (home: string) =>
  readdirSync(join(home, 'logs'))
    .map((name) => readFileSync(join(home, 'logs', name), 'utf8'))
    .join('\n')
/** Every file in FTB_HOME but the secret store's own, as text. */
const homeText = (home: string) =>
  readdirSync(home, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('queue.db') && !e.name.includes('secret'))
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'))
    .join('\n')

describe('a healthcheckUrl written into settings.json by hand', () => {
  it('is moved to the secret store: pinged after a verified upload, and gone from the file', async () => {
    const monitor = await startMonitor()
    const { env, home, backups } = handWrittenHome({ healthcheckUrl: monitor.url + SECRET_PATH })
    const backup = await writeBackup(backups, 'ok.tar.xz', 100_000)

    const result = await runCli(['upload', backup], env)

    expect(result.code, result.stderr).toBe(0)
    expect(monitor.seen).toEqual([`GET ${SECRET_PATH}`])
    const text = settingsText(home)
    expect(text).not.toContain(SECRET_PATH)
    expect(text).not.toContain('healthcheckUrl')
    expect(JSON.parse(text)).toMatchObject({ healthcheckPing: true })
    expect(result.stdout + result.stderr).not.toContain(SECRET_PATH)
    expect(homeText(home)).not.toContain(SECRET_PATH)

    // It stays set: the next upload pings it again, from the secret store.
    const again = await writeBackup(backups, 'again.tar.xz', 100_000, 2)
    expect((await runCli(['upload', again], env)).code).toBe(0)
    expect(monitor.seen).toEqual([`GET ${SECRET_PATH}`, `GET ${SECRET_PATH}`])
  })

  it('that is not an http(s) URL gives one warning line naming the fix, and the file keeps nothing', async () => {
    const { env, home } = handWrittenHome({ healthcheckUrl: 'ftp://x/secret-part' })

    const result: CliResult = await runCli(['status'], env)

    expect(result.code, result.stderr).toBe(0)
    const warnings = result.stderr
      .split('\n')
      .filter((l) => l.startsWith('Warning:') && l.includes('healthcheckUrl'))
    expect(warnings).toEqual([expect.stringContaining('is not an http:// or https:// address')])
    expect(warnings[0]).toContain('--set-ping-url-stdin')
    expect(result.stdout + result.stderr).not.toContain('secret-part')
    expect(settingsText(home)).not.toContain('secret-part')
    expect(JSON.parse(settingsText(home))).toMatchObject({ healthcheckPing: false })
    expect(homeText(home)).not.toContain('secret-part')
  })

  it('beside a bad value: the copy of the file kept aside does not keep the URL', async () => {
    const { env, home } = handWrittenHome({
      healthcheckUrl: `http://127.0.0.1:9${SECRET_PATH}`,
      concurrency: 99,
    })

    const result = await runCli(['status'], env)

    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toContain('"concurrency"')
    const copies = readdirSync(home).filter((name) => name.includes('.invalid-'))
    expect(copies).toHaveLength(1)
    expect(JSON.parse(readFileSync(join(home, copies[0]!), 'utf8'))).toMatchObject({
      concurrency: 99,
    })
    expect(homeText(home)).not.toContain(SECRET_PATH)
    expect(JSON.parse(settingsText(home))).toMatchObject({ healthcheckPing: true })
  })

  it('whose monitor takes the request and never answers: the upload still finishes, and the log says the ping timed out', async () => {
    const silent = await startMonitor(false)
    const { env, home, backups } = handWrittenHome({ healthcheckUrl: silent.url + SECRET_PATH })
    const backup = await writeBackup(backups, 'ok.tar.xz', 100_000)

    const result = await runCli(['upload', backup], env)

    expect(result.code, result.stderr).toBe(0)
    expect(silent.seen).toEqual([`GET ${SECRET_PATH}`])
    expect(existsSync(join(env.FTB_LOCAL_DESTINATION!, 'Fermentrack Backups', 'ok.tar.xz'))).toBe(
      true,
    )
    const log = logText(home)
    expect(log).toContain('health ping failed: timed out')
    expect(log).not.toContain(SECRET_PATH)
    expect(log).not.toContain('127.0.0.1')
  })
})
