import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { writeBackup } from '../support/backup-files.ts'
import { runCli, tempDirsPerTest } from '../support/cli-process.ts'

vi.setConfig({ testTimeout: 120_000 })

const dir = tempDirsPerTest()
const NAME = 'dbBackup-Fermentrack_2026-03-02T08.00.00.tar.xz'

/**
 * A brewer's home (HOME) with one backup uploaded to the local folder destination. The runner's
 * own XDG variables are blanked so only this home decides where Downloads is.
 */
async function homeWithBackup() {
  const home = dir('restore-user')
  const env = {
    HOME: home,
    XDG_CONFIG_HOME: '',
    XDG_DOWNLOAD_DIR: '',
    FTB_HOME: join(home, 'ftb'),
    FTB_LOCAL_DESTINATION: dir('restore-nas'),
    DROPBOX_APP_KEY: '',
  }
  const source = await writeBackup(dir('restore-pi'), NAME, 200_000, 5)
  const uploaded = await runCli(['upload', source, '--connection', 'local', '--json'], env)
  expect(uploaded.code, uploaded.stderr).toBe(0)
  return { home, env, source }
}

async function restoreWithoutTo(env: NodeJS.ProcessEnv) {
  const result = await runCli(['restore', NAME, '--connection', 'local', '--json'], env)
  expect(result.code, result.stderr).toBe(0)
  return JSON.parse(result.stdout) as { local_path: string; verified: boolean }
}

describe('restore without --to: the Downloads folder', () => {
  it('lands in ~/Downloads, made when missing, verified and byte-identical', async () => {
    const { home, env, source } = await homeWithBackup()
    expect(existsSync(join(home, 'Downloads'))).toBe(false)
    const restored = await restoreWithoutTo(env)
    expect(restored).toMatchObject({ local_path: join(home, 'Downloads', NAME), verified: true })
    expect(readdirSync(join(home, 'Downloads'))).toEqual([NAME])
    expect(readFileSync(restored.local_path).equals(readFileSync(source))).toBe(true)
  })

  it("lands in the folder user-dirs.dirs names (the desktop's own Downloads)", async () => {
    const { home, env, source } = await homeWithBackup()
    mkdirSync(join(home, '.config'))
    writeFileSync(
      join(home, '.config', 'user-dirs.dirs'),
      'XDG_DESKTOP_DIR="$HOME/Bureau"\nXDG_DOWNLOAD_DIR="$HOME/Téléchargements"\n',
    )
    const restored = await restoreWithoutTo(env)
    expect(restored).toMatchObject({
      local_path: join(home, 'Téléchargements', NAME),
      verified: true,
    })
    expect(readFileSync(restored.local_path).equals(readFileSync(source))).toBe(true)
    expect(existsSync(join(home, 'Downloads'))).toBe(false)
  })

  it('a --to folder that does not exist is refused in one line, and nothing is made', async () => {
    const { home, env } = await homeWithBackup()
    const missing = join(home, 'typo', 'restore')
    const result = await runCli(['restore', NAME, '--connection', 'local', '--to', missing], env)
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain(`There is no folder ${missing} to restore into`)
    expect(
      result.stderr
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('Warning')),
    ).toHaveLength(1)
    expect(existsSync(join(home, 'typo'))).toBe(false)
    expect(existsSync(join(home, 'Downloads'))).toBe(false)
  })
})
