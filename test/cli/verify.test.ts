import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import type { VerifyRun } from '../../src/main/verify/verify-runs.ts'
import { writeBackup } from '../support/backup-files.ts'
import { runCli, tempDirsPerTest, type CliResult } from '../support/cli-process.ts'
import { startWatch, stopCli, writeSettings } from '../support/upload-fixture.ts'
import { waitFor } from '../support/wait-for.ts'

// Several real CLI processes per test on a busy two-core machine.
vi.setConfig({ testTimeout: 120_000 })

const REMOTE = 'Fermentrack Backups'
const OLDER = 'dbBackup-Fermentrack_2026-03-01T08.00.00.tar.xz'
const NEWER = 'dbBackup-Fermentrack_2026-03-02T08.00.00.tar.xz'

const dir = tempDirsPerTest()

/** A home whose destination is a local folder (the NAS), with two backups uploaded to it. */
async function homeWithTwoBackups() {
  const nas = dir('verify-nas')
  const backups = dir('verify-backups')
  const env = {
    FTB_HOME: join(dir('verify-home'), 'home'),
    FTB_LOCAL_DESTINATION: nas,
    DROPBOX_APP_KEY: '',
  }
  for (const [seed, name] of [OLDER, NEWER].entries()) {
    const path = await writeBackup(backups, name, 200_000 + seed * 1000, 21 + seed)
    const uploaded = await runCli(['upload', path, '--connection', 'local', '--json'], env)
    expect(uploaded.code, uploaded.stderr).toBe(0)
  }
  return { env, backups, stored: (name: string) => join(nas, REMOTE, name) }
}

function run(result: CliResult): VerifyRun {
  return JSON.parse(result.stdout) as VerifyRun
}

/** The record of runs in the home, as `health` and the schedule read it. */
function recorded(home: string): VerifyRun[] {
  return JSON.parse(readFileSync(join(home, 'verify-runs.json'), 'utf8')) as VerifyRun[]
}

/** Nothing downloaded is left in the home once a check is done. */
function leftovers(home: string): string[] {
  const folder = join(home, 'verifying')
  return existsSync(folder) ? readdirSync(folder, { recursive: true }).map(String) : []
}

describe('verify', () => {
  it('checks the newest backup by default, N with --sample, records each run and leaves nothing', async () => {
    const { env } = await homeWithTwoBackups()
    const one = await runCli(['verify', '--connection', 'local', '--json'], env)
    expect(one.code, one.stderr).toBe(0)
    expect(run(one)).toMatchObject({
      connection_id: 'local',
      names: [NEWER],
      outcome: 'verified',
      reason: null,
    })
    const two = await runCli(['verify', '--connection', 'local', '--sample', '2'], env)
    expect(two.code, two.stderr).toBe(0)
    expect(two.stdout).toBe(`Verified ${NEWER}, ${OLDER} at local by sha256 recorded at upload.\n`)
    expect(recorded(env.FTB_HOME).map((r) => [r.names, r.outcome])).toEqual([
      [[NEWER], 'verified'],
      [[NEWER, OLDER], 'verified'],
    ])
    expect(leftovers(env.FTB_HOME)).toEqual([])
  })

  it('clears what a killed check left a day ago, and leaves a younger one (another check running)', async () => {
    const { env } = await homeWithTwoBackups()
    const abandoned = join(env.FTB_HOME, 'verifying', 'run-killed')
    const running = join(env.FTB_HOME, 'verifying', 'run-other')
    for (const folder of [abandoned, running]) {
      mkdirSync(folder, { recursive: true })
      writeFileSync(join(folder, `.${NEWER}.0a1b2c3d.restoring`), 'partial')
    }
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000)
    utimesSync(abandoned, twoDaysAgo, twoDaysAgo)

    const result = await runCli(['verify', '--connection', 'local'], env)

    expect(result.code, result.stderr).toBe(0)
    expect(existsSync(abandoned)).toBe(false)
    expect(existsSync(running)).toBe(true)
  })

  it('on a damaged copy exits 1, records the mismatch, and health then exits 1 naming it', async () => {
    const { env, backups, stored } = await homeWithTwoBackups()
    const healthArgs = ['health', '--dir', backups, '--json']
    // Fresh uploads and fresh backups: healthy before the check.
    const before = await runCli(healthArgs, env)
    expect(before.code, before.stdout).toBe(0)

    const bytes = readFileSync(stored(NEWER))
    bytes[bytes.length >> 1]! ^= 0xff
    writeFileSync(stored(NEWER), bytes)
    const result = await runCli(['verify', '--connection', 'local', '--json'], env)
    expect(result.code).toBe(1)
    expect(run(result)).toMatchObject({ names: [NEWER], outcome: 'mismatch' })
    expect(run(result).reason).toMatch(/does not match/)
    expect(leftovers(env.FTB_HOME)).toEqual([])

    const after = await runCli(healthArgs, env)
    expect(after.code).toBe(1)
    const report = JSON.parse(after.stdout) as {
      ok: boolean
      destinations: {
        connection_id: string
        last_verified_upload: string | null
        ok: boolean
        last_verify: { at: string; ok: boolean; outcome: string } | null
      }[]
    }
    expect(report.ok).toBe(false)
    // The existing fields stay; the last check is added beside them.
    expect(report.destinations[0]).toMatchObject({
      connection_id: 'local',
      last_verified_upload: expect.any(String),
      ok: false,
      last_verify: { ok: false, outcome: 'mismatch' },
    })
    const text = await runCli(['health', '--dir', backups], env)
    expect(text.stdout).toMatch(/^FAIL destination local: .*last restore check .*: FAILED: /m)
  })

  it('exits 3 when the newest backup could be checked by its size only', async () => {
    const { env, stored } = await homeWithTwoBackups()
    const foreign = 'dbBackup-Fermentrack_2026-03-09T08.00.00.tar.xz'
    const copied = await writeBackup(dir('elsewhere'), foreign, 40_000, 9)
    writeFileSync(stored(foreign), readFileSync(copied))
    const result = await runCli(['verify', '--connection', 'local', '--json'], env)
    expect(result.code).toBe(3)
    expect(run(result)).toMatchObject({ names: [foreign], outcome: 'size_only' })
    expect(run(result).reason).toMatch(/size only: .*not uploaded by this app/)
  })

  it('refuses bad input in one line, exit 2, and records nothing', async () => {
    const { env } = await homeWithTwoBackups()
    for (const args of [
      ['verify'],
      ['verify', '--connection', 'nowhere'],
      ['verify', '--connection', 'local', '--sample', '0'],
      ['verify', '--connection', 'local', '--sample', 'two'],
    ]) {
      const result = await runCli(args, env)
      expect(result.code, args.join(' ')).toBe(2)
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1)
      expect(result.stderr).toMatch(/^Error: .*(--connection|connections|--sample)/)
    }
    expect(existsSync(join(env.FTB_HOME, 'verify-runs.json'))).toBe(false)
  })
})

describe('verify: the weekly schedule', () => {
  it('a watch with verifySchedule "weekly" checks each destination at start and records it', async () => {
    const { env, backups } = await homeWithTwoBackups()
    const runsFile = join(env.FTB_HOME, 'verify-runs.json')
    writeSettings(env.FTB_HOME, { verifySchedule: 'weekly' })
    const weekly = await startWatch(backups, env)
    const runs = await waitFor(() => existsSync(runsFile) && recorded(env.FTB_HOME), {
      what: 'the scheduled check to be recorded',
      detail: () => weekly.output().stdout,
    })
    expect(await stopCli(weekly)).toMatchObject({ code: 0 })
    expect(runs).toEqual([
      expect.objectContaining({ connection_id: 'local', names: [NEWER], outcome: 'verified' }),
    ])
  })
})
