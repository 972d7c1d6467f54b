import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { writeBackup } from '../support/backup-files.ts'
import { runCli, tempDirsPerTest } from '../support/cli-process.ts'
import { writeSettings } from '../support/upload-fixture.ts'

vi.setConfig({ testTimeout: 120_000 })

const dir = tempDirsPerTest()

function home() {
  const nas = dir('nas')
  const env: NodeJS.ProcessEnv = {
    FTB_HOME: dir('home'),
    DROPBOX_APP_KEY: '',
    FTB_LOCAL_DESTINATION: nas,
  }
  return { env, target: join(nas, 'Fermentrack Backups') }
}

const saved = (env: NodeJS.ProcessEnv) =>
  JSON.parse(readFileSync(join(env.FTB_HOME!, 'settings.json'), 'utf8')) as Record<string, unknown>

/** Local "HH:MM", `hours` from now. */
function clockIn(hours: number): string {
  const at = new Date(Date.now() + hours * 3_600_000)
  return `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`
}

describe('fermentrack-backup bandwidth', () => {
  it('sets the limit and the full-speed hours in the settings file, and shows them', async () => {
    const { env } = home()
    const set = await runCli(['bandwidth', '--rate', '1.5M', '--full-speed', '22:30-06:00'], env)
    expect(set.code, set.stderr).toBe(0)
    expect(saved(env)).toMatchObject({
      bandwidthLimit: 1.5 * 1024 * 1024,
      bandwidthSchedule: { fullSpeedFrom: '22:30', fullSpeedTo: '06:00' },
    })
    expect(set.stdout).toContain(
      'Upload speed limit: 1.5 MB/s\nFull speed: 22:30–06:00 (local time)',
    )

    const off = await runCli(['bandwidth', '--full-speed', 'off', '--json'], {
      ...env,
      FTB_BANDWIDTH_LIMIT: '500K',
    })
    expect(off.code, off.stderr).toBe(0)
    expect(JSON.parse(off.stdout)).toEqual({
      bandwidth_limit: 1.5 * 1024 * 1024,
      full_speed: null,
      env_limit: 500 * 1024,
      in_force: 500 * 1024,
    })
    expect(saved(env)).toMatchObject({ bandwidthLimit: 1572864, bandwidthSchedule: null })
  })

  it('refuses bad hours or a bad rate in one line, exit 2, and changes nothing', async () => {
    const { env } = home()
    writeSettings(env.FTB_HOME!, { bandwidthLimit: 2048 })
    const hours = await runCli(['bandwidth', '--rate', '8M', '--full-speed', '24:00-06:00'], env)
    expect(hours.code).toBe(2)
    const lines = hours.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(
      /^Error: --full-speed "24:00-06:00": the start must be a 24-hour time as HH:MM, e\.g\. 06:00; give the hours as 00:00-06:00, or off\./,
    )
    const rate = await runCli(['bandwidth', '--rate', 'fast'], env)
    expect(rate.code).toBe(2)
    expect(rate.stderr).toMatch(/^Error: --rate "fast" is not a rate/)
    expect(saved(env)).toMatchObject({ bandwidthLimit: 2048, bandwidthSchedule: null })
  })

  it('inside the full-speed hours, an upload a 1 byte/s cap could never finish arrives whole', async () => {
    const { env, target } = home()
    // Hours around now, so they hold whenever the test runs (a window over midnight included).
    const hours = `${clockIn(-2)}-${clockIn(2)}`
    const set = await runCli(['bandwidth', '--rate', '1', '--full-speed', hours, '--json'], env)
    expect(JSON.parse(set.stdout)).toMatchObject({ bandwidth_limit: 1, in_force: 0 })

    const path = await writeBackup(dir('backups'), '2026-12-06T10.00.00.tar.xz', 200_000, 9)
    const result = await runCli(['upload', path], env)
    expect(result.code, result.stderr).toBe(0)
    const copy = join(target, '2026-12-06T10.00.00.tar.xz')
    expect(readFileSync(copy).equals(readFileSync(path))).toBe(true)
  })
})
