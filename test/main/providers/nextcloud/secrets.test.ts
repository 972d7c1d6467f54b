import { readdirSync, readFileSync, statSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { MIB, writeBackup } from '../../../support/backup-files.ts'
import { runCli, transcript } from '../../../support/cli-process.ts'
import { nextcloudHomePerTest } from '../../../support/nextcloud-fixture.ts'

vi.setConfig({ testTimeout: 90_000 })
const openHome = nextcloudHomePerTest()

/** Every file under `dir`, but the owner-only secret store, which is where the password belongs. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return filesUnder(path)
    return name === 'secrets.json' ? [] : [path]
  })
}

describe('the Nextcloud app password', () => {
  it('appears in no CLI output, setting, log or queue file, from connect to disconnect', async () => {
    const h = await openHome({ env: { FTB_LOG_LEVEL: 'debug' } })
    const [appPassword] = h.nc.activeAppPasswords()
    const basic = Buffer.from(`brewer@example.com:${appPassword}`).toString('base64')
    for (const [name, size] of [
      ['small.tar.xz', 40_000],
      ['large.tar.xz', 11 * MIB],
    ] as const) {
      const path = await writeBackup(h.backups, name, size, 31)
      const then = Date.now() / 1000 - 60
      utimesSync(path, then, then)
      const result = await runCli(['upload', path, '--json'], h.env)
      expect(result.code, result.stderr).toBe(0)
    }
    for (const args of [
      ['connections', '--json'],
      ['status', '--json'],
      ['history', '--json'],
      ['providers', '--json'],
    ]) {
      expect((await runCli(args, h.env)).code).toBe(0)
    }
    expect((await runCli(['disconnect', h.connectionId], h.env)).code).toBe(0)

    expect(h.nc.storedPaths()).toHaveLength(2)
    const written = filesUnder(h.home)
    expect(written.some((f) => f.includes('logs'))).toBe(true)
    for (const text of [...transcript, ...written.map((f) => readFileSync(f, 'latin1'))]) {
      expect(text).not.toContain(appPassword!)
      expect(text).not.toContain(basic)
    }
  })
})
