import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { writeBackup } from '../support/backup-files.ts'
import { runCli, startCli, tempDirsPerTest } from '../support/cli-process.ts'
import { parseJson, stopCli } from '../support/upload-fixture.ts'
import { waitForOutput } from '../support/wait-for.ts'

// Real CLI processes, one a long-running watch, on a busy two-core machine.
vi.setConfig({ testTimeout: 120_000 })

const dir = tempDirsPerTest()

interface Listed {
  name: string
  path: string
  source: string | null
}

describe('backups and restore with several Fermentracks', () => {
  it("lists a Fermentrack's own folder and restores from it by name alone", async () => {
    const nas = dir('nas')
    const env = { FTB_HOME: join(dir('home'), 'home'), FTB_LOCAL_DESTINATION: nas }
    const [pi1, pi2] = [dir('pi-1'), dir('pi-2')]
    for (const args of [
      ['--folder', pi1, '--label', 'Brewhouse 1', '--remote-subfolder', ''],
      ['--folder', pi2, '--label', 'Brewhouse 2'],
    ]) {
      const added = await runCli(['sources', 'add', ...args], env)
      expect(added.code, added.stderr).toBe(0)
    }
    const name = 'dbBackup-Fermentrack_2026-03-04T08.00.00.tar.xz'
    const original = await writeBackup(pi2, name, 150_000, 31)
    const watch = startCli(['watch'], env)
    watch.child.stdin.end()
    await waitForOutput(watch, `Uploaded ${name}`)
    expect((await stopCli(watch)).code).toBe(0)

    const listed = parseJson<Listed[]>(
      await runCli(['backups', '--connection', 'local', '--json'], env),
    )
    expect(listed.map(({ name, path, source }) => ({ name, path, source }))).toEqual([
      { name, path: `/Fermentrack Backups/Brewhouse 2/${name}`, source: 'Brewhouse 2' },
    ])

    const to = dir('restored')
    const restored = await runCli(
      ['restore', name, '--connection', 'local', '--to', to, '--json'],
      env,
    )
    expect(restored.code, restored.stderr).toBe(0)
    expect(readFileSync(join(to, name)).equals(readFileSync(original))).toBe(true)
  })
})
