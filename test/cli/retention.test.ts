import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { writeBackup } from '../support/backup-files.ts'
import { runCli, tempDirsPerTest } from '../support/cli-process.ts'
import { parseJson } from '../support/upload-fixture.ts'

// Several real CLI processes per test; a busy two-core machine needs more than the default.
vi.setConfig({ testTimeout: 120_000 })

const dir = tempDirsPerTest()

interface PruneReport {
  dry_run: boolean
  destinations: {
    connection_id: string
    remove: { name: string; path: string; rule: string }[]
    keep: { name: string; reasons: string[] }[] | undefined
  }[]
}

/** Seven Fermentrack-style names, oldest first, a day apart. */
const NAMES = [1, 2, 3, 4, 5, 6, 7].map(
  (day) => `fermentrack_backup-2026-11-0${day}T10.00.00.tar.xz`,
)

/** A fresh FTB_HOME whose only destination is a local folder (the NAS of these tests). */
function localHome() {
  const nas = dir('nas')
  const env: NodeJS.ProcessEnv = {
    FTB_HOME: join(dir('home'), 'fresh'),
    FTB_LOCAL_DESTINATION: nas,
    DROPBOX_APP_KEY: '',
  }
  return { env, target: join(nas, 'Fermentrack Backups'), backups: dir('backups') }
}

async function uploadSeven(env: NodeJS.ProcessEnv, backups: string) {
  const files = []
  for (const [i, name] of NAMES.entries()) files.push(await writeBackup(backups, name, 20_000, i))
  const result = await runCli(['upload', ...files], env)
  expect(result.code, result.stderr).toBe(0)
}

/** What is not ours in the backups folder: a note and a folder of the brewer's own. */
function plantOthers(target: string) {
  writeFileSync(join(target, 'notes.txt'), 'keep me')
  mkdirSync(join(target, 'old'))
  writeFileSync(join(target, 'old', NAMES[0]!), 'an older copy, by hand')
}

describe('retention and prune through the CLI, on a local folder destination', () => {
  it('prune --dry-run lists exactly what prune then deletes; 3 backups and the planted files remain', async () => {
    const { env, target, backups } = localHome()
    await uploadSeven(env, backups)
    plantOthers(target)
    expect((await runCli(['retention', '--keep-last', '3'], env)).code).toBe(0)

    const dry = await runCli(['prune', '--dry-run', '--json'], env)
    expect(dry.code, dry.stderr).toBe(0)
    const planned = parseJson<PruneReport>(dry)
    expect(readdirSync(target).sort()).toEqual([...NAMES, 'notes.txt', 'old'].sort())
    const [local] = planned.destinations
    expect(local!.connection_id).toBe('local')
    expect(local!.remove.map((r) => r.name)).toEqual(NAMES.slice(0, 4).reverse())
    expect(new Set(local!.remove.map((r) => r.rule))).toEqual(new Set(['keepLast=3']))

    const done = await runCli(['prune', '--json'], env)
    expect(done.code, done.stderr).toBe(0)
    const pruned = parseJson<PruneReport>(done)
    expect(pruned.destinations[0]!.remove).toEqual(local!.remove)
    expect(readdirSync(target).sort()).toEqual([...NAMES.slice(4), 'notes.txt', 'old'].sort())
    expect(readdirSync(join(target, 'old'))).toEqual([NAMES[0]])

    const log = readFileSync(join(env.FTB_HOME!, 'logs', 'companion.log'), 'utf8')
    for (const removed of local!.remove) {
      expect(log).toContain(removed.path)
    }
    expect(log).toContain('pruned by keepLast=3')

    const again = await runCli(['prune', '--json'], env)
    expect(parseJson<PruneReport>(again).destinations[0]!.remove).toEqual([])
  })

  it('deletes nothing when no backup there was verified by an upload', async () => {
    const { env, target, backups } = localHome()
    mkdirSync(target, { recursive: true })
    for (const [i, name] of NAMES.entries()) await writeBackup(target, name, 20_000, i)
    expect(backups).toBeTruthy()
    expect((await runCli(['retention', '--keep-last', '3'], env)).code).toBe(0)

    const result = await runCli(['prune', '--json'], env)

    expect(result.code, result.stderr).toBe(0)
    const [local] = parseJson<PruneReport>(result).destinations
    expect(local!.remove).toEqual([])
    expect(local!.keep!.every((k) => k.reasons.length > 0)).toBe(true)
    expect(readdirSync(target).sort()).toEqual([...NAMES].sort())
  })

  it('with retention off (the default) prune deletes nothing and lists nothing', async () => {
    const { env, target, backups } = localHome()
    await uploadSeven(env, backups)

    const result = await runCli(['prune'], env)

    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain('local: retention is off; nothing to prune.')
    expect(readdirSync(target).sort()).toEqual([...NAMES].sort())
  })

  it('a destination override wins over the default', async () => {
    const { env, target, backups } = localHome()
    await uploadSeven(env, backups)
    await runCli(['retention', '--keep-last', '2'], env)
    const set = await runCli(
      ['retention', '--connection', 'local', '--keep-last', '5', '--json'],
      env,
    )
    expect(parseJson<{ policy: unknown; override: boolean }>(set)).toEqual({
      connection_id: 'local',
      policy: { keepLast: 5 },
      override: true,
    })

    expect((await runCli(['prune'], env)).code).toBe(0)
    expect(readdirSync(target).sort()).toEqual(NAMES.slice(2))
  })

  it.each([
    [['--keep-last', '0'], '--keep-last must be a whole number'],
    [['--keep-daily', 'seven'], '--keep-daily must be a whole number'],
    [['--keep-weekly', '2.5'], '--keep-weekly must be a whole number'],
    [['--off', '--keep-last', '3'], '--off cannot be combined with --keep-last'],
  ])('retention %j exits 2 with one line and saves nothing', async (args, message) => {
    const { env } = localHome()
    const result = await runCli(['retention', ...args], env)
    expect(result.code).toBe(2)
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('Error:'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(message)
    const settings = join(env.FTB_HOME!, 'settings.json')
    const saved = existsSync(settings) ? JSON.parse(readFileSync(settings, 'utf8')).retention : {}
    expect(saved).toEqual({})
  })

  it('--off turns the default off again', async () => {
    const { env } = localHome()
    await runCli(['retention', '--keep-last', '3', '--keep-monthly', '12'], env)
    const shown = await runCli(['retention'], env)
    expect(shown.stdout).toContain('Default: keepLast=3, keepMonthly=12')
    const off = await runCli(['retention', '--off', '--json'], env)
    expect(parseJson<{ retention: unknown }>(off).retention).toEqual({})
  })
})
