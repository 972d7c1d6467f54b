import { mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { backupBytes, writeBackup } from '../support/backup-files.ts'
import { runCli, tempDir, type CliResult } from '../support/cli-process.ts'
import { freePort } from '../support/dropbox-fixture.ts'
import { parseJson, writeSettings } from '../support/upload-fixture.ts'

// Several real CLI processes per test on a busy two-core machine.
vi.setConfig({ testTimeout: 120_000 })

const cleanup: (() => void)[] = []
afterEach(() => {
  for (const undo of cleanup.splice(0)) undo()
})

function dir(prefix: string): string {
  const path = tempDir(prefix)
  cleanup.push(() => rmSync(path, { recursive: true, force: true }))
  return path
}

/** A fresh FTB_HOME (with `settings`, if any) whose only destination is a local folder. */
function home(settings?: Record<string, unknown>) {
  const env: NodeJS.ProcessEnv = {
    FTB_HOME: join(dir('home'), 'fresh'),
    FTB_SECRET_STORE: 'file',
    FTB_LOCAL_DESTINATION: dir('nas'),
    DROPBOX_APP_KEY: '',
  }
  if (settings) {
    mkdirSync(env.FTB_HOME!)
    writeSettings(env.FTB_HOME!, settings)
  }
  return { env, backups: dir('backups') }
}

/** Makes a file look written `seconds` ago, so ages compare with a wide margin. */
function makeOld(path: string, seconds: number): void {
  const then = Date.now() / 1000 - seconds
  utimesSync(path, then, then)
}

interface HealthJson {
  ok: boolean
  max_age_seconds: number
  destinations: {
    connection_id: string
    provider: string | null
    last_verified_upload: string | null
    age_seconds: number | null
    ok: boolean
  }[]
  sources: {
    id: string | null
    label: string
    path: string | null
    newest_backup: string | null
    age_seconds: number | null
    ok: boolean
    warning: string | null
  }[]
  watch_folder: {
    path: string | null
    newest_backup: string | null
    age_seconds: number | null
    ok: boolean
  }
}

const health = async (env: NodeJS.ProcessEnv, ...args: string[]) => {
  const result = await runCli(['health', '--json', ...args], env)
  return { code: result.code, report: parseJson<HealthJson>(result) }
}

describe('health', () => {
  it('on a fresh home, with nothing uploaded and no backup written, exits 1 and says why, one line each', async () => {
    const { env, backups } = home()
    const result = await runCli(['health', '--dir', backups], env)

    expect(result.code).toBe(1)
    const lines = result.stdout.trim().split('\n')
    expect(lines).toEqual([
      'FAIL destination local: no verified upload yet',
      `FAIL watch folder ${backups}: no backup file in it`,
      'FAIL: something is missing or older than 2d.',
    ])
  })

  it('with no Fermentrack watched nor --dir given, exits 1 saying how to add one', async () => {
    const { env } = home()
    const result = await runCli(['health'], env)

    expect(result.code).toBe(1)
    expect(result.stdout).toContain(
      'FAIL watch folder: no Fermentrack folder is watched (add one with `sources add`, or give --dir)',
    )
  })

  it('after an upload exits 0; past --max-age the stale item fails it (exit 1)', async () => {
    const { env, backups } = home()
    const backup = await writeBackup(backups, 'old.tar.xz', 100_000)
    // Temp and non-matching names never count as Fermentrack's newest backup.
    writeFileSync(join(backups, 'newer.tar.xz.part'), 'x')
    writeFileSync(join(backups, 'notes.txt'), 'x')
    expect((await runCli(['upload', backup], env)).code).toBe(0)
    makeOld(backup, 2 * 3600)

    const fine = await health(env, '--dir', backups)
    expect(fine.code).toBe(0)
    expect(fine.report).toMatchObject({
      ok: true,
      max_age_seconds: 2 * 86_400,
      destinations: [{ connection_id: 'local', provider: 'local', ok: true }],
      watch_folder: { path: backups, newest_backup: backup, ok: true },
    })
    expect(fine.report.watch_folder.age_seconds).toBeGreaterThanOrEqual(2 * 3600)

    // The backup was written 2 h ago; the upload happened just now.
    const folderStale = await health(env, '--dir', backups, '--max-age', '1h')
    expect(folderStale.code).toBe(1)
    expect(folderStale.report).toMatchObject({
      ok: false,
      max_age_seconds: 3600,
      destinations: [{ ok: true }],
      watch_folder: { ok: false },
    })

    // Waiting is not timed: any wait past 1 s makes the upload older than 1 s.
    await sleep(2100)
    const allStale = await health(env, '--dir', backups, '--max-age', '1s')
    expect(allStale.code).toBe(1)
    expect(allStale.report.destinations[0]).toMatchObject({ ok: false })
    expect(allStale.report.destinations[0]!.age_seconds).toBeGreaterThan(1)
  })

  it('takes its default from the alertAfter setting', async () => {
    const { env, backups } = home()
    const backup = await writeBackup(backups, 'b.tar.xz', 100_000)
    expect((await runCli(['upload', backup], env)).code).toBe(0)
    makeOld(backup, 2 * 3600)
    const settings = join(env.FTB_HOME!, 'settings.json')
    const current = JSON.parse(readFileSync(settings, 'utf8'))
    writeFileSync(settings, JSON.stringify({ ...current, alertAfter: '90m' }))

    const { code, report } = await health(env, '--dir', backups)
    expect(code).toBe(1)
    expect(report).toMatchObject({ max_age_seconds: 5400, watch_folder: { ok: false } })
  })

  it('names the silent Fermentrack among several: each source has its own newest backup', async () => {
    const { env } = home()
    const pi1 = dir('pi1')
    const pi2 = dir('pi2')
    for (const [folder, label] of [
      [pi1, 'Brewhouse 1'],
      [pi2, 'Brewhouse 2'],
    ]) {
      const added = await runCli(['sources', 'add', '--folder', folder!, '--label', label!], env)
      expect(added.code, added.stderr).toBe(0)
    }
    const fresh = await writeBackup(pi1, 'fresh.tar.xz', 100_000, 1)
    makeOld(fresh, 3600)
    const silent = await writeBackup(pi2, 'silent.tar.xz', 100_000, 2)
    makeOld(silent, 3 * 86_400 + 600)
    expect((await runCli(['upload', fresh], env)).code).toBe(0)

    const { code, report } = await health(env)
    expect(code).toBe(1)
    expect(report.ok).toBe(false)
    expect(report.destinations).toMatchObject([{ connection_id: 'local', ok: true }])
    expect(report.sources).toMatchObject([
      {
        id: 'brewhouse-1',
        label: 'Brewhouse 1',
        path: pi1,
        newest_backup: fresh,
        ok: true,
        warning: null,
      },
      {
        id: 'brewhouse-2',
        label: 'Brewhouse 2',
        path: pi2,
        newest_backup: silent,
        ok: false,
        warning: 'No new Fermentrack backup for 3 days in Brewhouse 2',
      },
    ])
    // The first source, where scripts read the single folder before there were several.
    expect(report.watch_folder).toMatchObject({ path: pi1, ok: true })

    const text = await runCli(['health'], env)
    expect(text.code).toBe(1)
    expect(text.stdout).toContain(`OK   Brewhouse 1 (${pi1}): newest backup 1h ago (${fresh})`)
    expect(text.stdout).toContain(
      `FAIL Brewhouse 2 (${pi2}): no new Fermentrack backup for 3d (newest: ${silent})`,
    )

    // With --max-age past the silence, both are fine again.
    expect((await health(env, '--max-age', '4d')).code).toBe(0)
  })

  it('refuses a bad duration with exit 2 and one line', async () => {
    const { env, backups } = home()
    const result = await runCli(['health', '--dir', backups, '--max-age', '2 days'], env)

    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(
      result.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('Error')),
    ).toEqual([expect.stringContaining('--max-age must be a whole number and a unit')])
  })
})

/** A monitor on 127.0.0.1 that records every request's method and path. */
async function startMonitor(): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = []
  const server: Server = createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`)
    response.end('OK')
  })
  const port = await freePort()
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  cleanup.push(() => server.close())
  return { url: `http://127.0.0.1:${port}`, seen }
}

/** Everything the app wrote where a secret must not be: settings and the log. */
function stateText(env: NodeJS.ProcessEnv): string {
  const home = env.FTB_HOME!
  const logs = join(home, 'logs')
  const logText = readdirSync(logs)
    .map((name) => readFileSync(join(logs, name), 'utf8'))
    .join('\n')
  return readFileSync(join(home, 'settings.json'), 'utf8') + logText
}

const SECRET_PATH = '/ping/5f0c1d2e-9b7a-4c3d-8e6f-secret-check'

describe('the health ping URL', () => {
  it('is GET after a verified upload and at <url>/fail after a final failure, and never shown or saved in the clear', async () => {
    const monitor = await startMonitor()
    const pingUrl = monitor.url + SECRET_PATH
    const outputs: CliResult[] = []
    const run = async (env: NodeJS.ProcessEnv, args: string[], input?: string) => {
      const result = await runCli(args, env, input)
      outputs.push(result)
      return result
    }

    const good = home()
    expect((await run(good.env, ['health', '--set-ping-url-stdin'], pingUrl + '\n')).code).toBe(0)
    const backup = await writeBackup(good.backups, 'ok.tar.xz', 100_000)
    expect((await run(good.env, ['upload', backup], undefined)).code).toBe(0)
    expect(monitor.seen).toEqual([`GET ${SECRET_PATH}`])

    // A truncated archive with no time allowed to complete fails at once, for good.
    const bad = home({ version: 2, incompleteArchiveMinutes: 0 })
    expect((await run(bad.env, ['health', '--set-ping-url-stdin'], pingUrl)).code).toBe(0)
    const doomed = join(bad.backups, 'doomed.tar.xz')
    writeFileSync(doomed, backupBytes(100_000, 3).subarray(0, 90_000))
    expect((await run(bad.env, ['upload', doomed], undefined)).code).toBe(1)
    expect(monitor.seen).toEqual([`GET ${SECRET_PATH}`, `GET ${SECRET_PATH}/fail`])

    for (const { env } of [good, bad]) {
      expect(JSON.parse(readFileSync(join(env.FTB_HOME!, 'settings.json'), 'utf8'))).toMatchObject({
        healthcheckPing: true,
      })
      expect(stateText(env)).not.toContain(SECRET_PATH)
    }
    for (const { stdout, stderr } of outputs) expect(stdout + stderr).not.toContain(SECRET_PATH)

    // Cleared: the next upload pings nothing.
    expect((await run(good.env, ['health', '--clear-ping-url'])).code).toBe(0)
    const again = await writeBackup(good.backups, 'again.tar.xz', 100_000, 2)
    expect((await run(good.env, ['upload', again])).code).toBe(0)
    expect(monitor.seen).toHaveLength(2)
    expect(
      JSON.parse(readFileSync(join(good.env.FTB_HOME!, 'settings.json'), 'utf8')),
    ).toMatchObject({ healthcheckPing: false })
  })

  it('that cannot be reached only logs it: the upload still succeeds, and the log names no URL', async () => {
    const closed = `http://127.0.0.1:${await freePort()}${SECRET_PATH}`
    const { env, backups } = home()
    expect((await runCli(['health', '--set-ping-url-stdin'], env, closed)).code).toBe(0)
    const backup = await writeBackup(backups, 'ok.tar.xz', 100_000)

    const result = await runCli(['upload', backup], env)
    expect(result.code).toBe(0)
    expect(result.stdout + result.stderr).not.toContain(SECRET_PATH)
    const text = stateText(env)
    expect(text).toContain('health ping failed')
    expect(text).not.toContain(SECRET_PATH)
    expect(text).not.toContain('127.0.0.1')
  })

  it('refuses what is not an http(s) URL, without repeating it, and saves nothing', async () => {
    const { env } = home()
    const result = await runCli(['health', '--set-ping-url-stdin'], env, 'ftp://x/secret-part')
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('must be an http:// or https:// address')
    expect(result.stderr).not.toContain('secret-part')
  })
})
