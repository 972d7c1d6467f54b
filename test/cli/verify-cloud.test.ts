import { readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import type { VerifyRun } from '../../src/main/verify/verify-runs.ts'
import { writeBackup } from '../support/backup-files.ts'
import { runCli, tempDirsPerTest } from '../support/cli-process.ts'
import { CLOUD_KINDS, cloudHomesFor } from '../support/cloud-homes.ts'
import { parseJson } from '../support/upload-fixture.ts'

// Several real CLI processes per test on a busy two-core machine.
vi.setConfig({ testTimeout: 180_000 })

const OLDER = 'dbBackup-Fermentrack_2026-03-01T08.00.00.tar.xz'
const NEWER = 'dbBackup-Fermentrack_2026-03-02T08.00.00.tar.xz'

const dir = tempDirsPerTest()

interface HealthReport {
  ok: boolean
  destinations: {
    connection_id: string
    ok: boolean
    last_verify: { ok: boolean; outcome: string } | null
  }[]
}

describe.each(CLOUD_KINDS)('verify through the CLI on $name', (kind) => {
  const cloudHome = cloudHomesFor(kind)

  /** Two backups uploaded through the CLI; the stored copies equal the originals. */
  async function homeWithTwoBackups() {
    const home = await cloudHome()
    const backups = dir('verify-backups')
    for (const [seed, name] of [OLDER, NEWER].entries()) {
      const path = await writeBackup(backups, name, 400_000 + seed * 1000, 41 + seed)
      const uploaded = await runCli(['upload', path, '--connection', home.connectionId], home.env)
      expect(uploaded.code, uploaded.stderr).toBe(0)
      expect(home.bytes(name)?.equals(readFileSync(path))).toBe(true)
    }
    return { ...home, backups }
  }

  it('verify --sample 2 downloads both, checks each by a checksum it names, and exits 0', async () => {
    const { env, connectionId } = await homeWithTwoBackups()
    const json = await runCli(
      ['verify', '--connection', connectionId, '--sample', '2', '--json'],
      env,
    )
    expect(json.code, json.stderr).toBe(0)
    const run = parseJson<VerifyRun>(json)
    expect(run).toMatchObject({ names: [NEWER, OLDER], outcome: 'verified', reason: null })
    // The destination's own checksum of the stored file, which the download was checked against.
    for (const by of run.checked_by!)
      expect(by).toMatch(/^(sha256|quickxor)\S* kept by the destination$/i)

    const text = await runCli(['verify', '--connection', connectionId, '--sample', '2'], env)
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toBe(
      `Verified ${NEWER}, ${OLDER} at ${connectionId} by ${run.checked_by![0]}.\n`,
    )
  })

  it('a copy changed in the cloud fails the check (exit 1), and health then names the failed check', async () => {
    const { env, connectionId, backups, damage } = await homeWithTwoBackups()
    const health = ['health', '--dir', backups, '--json']
    const before = await runCli(health, env)
    expect(before.code, before.stdout).toBe(0)

    damage(NEWER)
    const result = await runCli(['verify', '--connection', connectionId, '--json'], env)

    expect(result.code, result.stderr).toBe(1)
    const run = parseJson<VerifyRun>(result)
    expect(run).toMatchObject({ names: [NEWER], outcome: 'mismatch' })
    expect(run.reason).toMatch(/does not match its upload \(.* recorded at upload\)/)
    const after = await runCli(health, env)
    expect(after.code).toBe(1)
    const report = parseJson<HealthReport>(after)
    expect(report.ok).toBe(false)
    expect(report.destinations).toMatchObject([
      { connection_id: connectionId, ok: false, last_verify: { ok: false, outcome: 'mismatch' } },
    ])
    const text = await runCli(['health', '--dir', backups], env)
    expect(text.stdout).toMatch(
      new RegExp(
        `^FAIL destination ${connectionId}\\b.*: .*last restore check .*: FAILED: .*damaged`,
        'm',
      ),
    )
  })
})
