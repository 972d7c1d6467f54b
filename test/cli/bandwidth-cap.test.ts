import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { writeBackup } from '../support/backup-files.ts'
import { runCli, tempDirsPerTest } from '../support/cli-process.ts'

vi.setConfig({ testTimeout: 120_000 })

const dir = tempDirsPerTest()

function localHome(limit: string) {
  const nas = dir('nas')
  const env: NodeJS.ProcessEnv = {
    FTB_HOME: join(dir('home'), 'fresh'),
    DROPBOX_APP_KEY: '',
    FTB_LOCAL_DESTINATION: nas,
    FTB_BANDWIDTH_LIMIT: limit,
  }
  return { env, backups: dir('backups'), target: join(nas, 'Fermentrack Backups') }
}

describe('the bandwidth cap (FTB_BANDWIDTH_LIMIT)', () => {
  it('an upload under a cap arrives whole and identical', async () => {
    const { env, backups, target } = localHome('4M')
    // Several of the cap's 1/20 s pieces and more than one read chunk.
    const path = await writeBackup(backups, '2026-12-06T08.00.00.tar.xz', 1_500_000, 7)
    const result = await runCli(['upload', path], env)
    expect(result.code, result.stderr).toBe(0)
    const copy = join(target, '2026-12-06T08.00.00.tar.xz')
    expect(readFileSync(copy).equals(readFileSync(path))).toBe(true)
  })

  it('a bad value is one line naming the variable, exit 2, and nothing is copied', async () => {
    const { env, backups, target } = localHome('fast')
    const path = await writeBackup(backups, '2026-12-06T09.00.00.tar.xz', 10_000, 8)
    const result = await runCli(['upload', path], env)
    expect(result.code).toBe(2)
    const lines = result.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^Error: FTB_BANDWIDTH_LIMIT="fast" is not a rate/)
    expect(existsSync(target) ? readdirSync(target) : []).toEqual([])
  })
})
