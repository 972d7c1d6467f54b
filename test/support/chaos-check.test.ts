import { describe, expect, it } from 'vitest'
import { dropboxContentHashOf } from './backup-files.ts'
import { baseName, judge, unfinishedJobs, type StoredCopy } from './chaos-check.ts'
import { archiveBytes, type Version } from './chaos-files.ts'

// The chaos run is only as good as its verdict: each kind of damage must be counted as itself.

const NAME = 'Brauerei-Übersicht 🍺 2026-11-22T10.00.00.tar.xz'

function version(name: string, payload: number, seed: number): Version {
  const bytes = archiveBytes(name, payload, seed)
  return {
    name,
    size: bytes.length,
    contentHash: dropboxContentHashOf(bytes),
    bytes: () => archiveBytes(name, payload, seed),
  }
}

function copy(destination: string, name: string, bytes: Buffer): StoredCopy {
  return {
    destination,
    name,
    size: bytes.length,
    contentHash: dropboxContentHashOf(bytes),
    read: () => Promise.resolve(bytes),
  }
}

const v1 = version(NAME, 5000, 1)
const v2 = version(NAME, 7000, 2)
const versions = new Map([[NAME, [v1, v2]]])
const both = ['dropbox', 'local']

describe('the chaos verdict', () => {
  it('accepts each final version once, beside an earlier version kept as "name (2)"', async () => {
    const stored = [
      copy('dropbox', NAME, v1.bytes()),
      copy('dropbox', baseName(NAME).replace('.tar.xz', ' (2).tar.xz'), v2.bytes()),
      copy('local', NAME, v2.bytes()),
    ]
    expect(await judge(versions, both, stored)).toEqual({ lost: [], duplicated: [], corrupted: [] })
  })

  it('counts a final version missing at one destination as lost', async () => {
    const verdict = await judge(versions, both, [
      copy('dropbox', NAME, v2.bytes()),
      copy('local', NAME, v1.bytes()),
    ])
    expect(verdict.lost).toEqual([expect.stringMatching(/^local: .* version 2\/2 .* missing/)])
    expect(verdict.duplicated).toEqual([])
  })

  it('counts each extra copy of one version as duplicated', async () => {
    const verdict = await judge(versions, both, [
      copy('dropbox', NAME, v2.bytes()),
      copy('dropbox', 'Brauerei-Übersicht 🍺 2026-11-22T10.00.00 (2).tar.xz', v2.bytes()),
      copy('dropbox', 'Brauerei-Übersicht 🍺 2026-11-22T10.00.00 (3).tar.xz', v2.bytes()),
      copy('local', NAME, v2.bytes()),
    ])
    expect(verdict.duplicated).toHaveLength(2)
    expect(verdict.lost).toEqual([])
  })

  it('counts a truncated copy and unknown bytes as corrupted, and says which is which', async () => {
    const verdict = await judge(versions, both, [
      copy('dropbox', NAME, v2.bytes().subarray(0, 3000)),
      copy('local', NAME, Buffer.from('not a backup')),
    ])
    expect(verdict.corrupted).toEqual([
      expect.stringMatching(
        /^dropbox: .* first 3000 of \d+ bytes of version 2\/2 \(half-written\)/,
      ),
      expect.stringMatching(/^local: .* matches no version written/),
    ])
    expect(verdict.lost).toHaveLength(2)
  })

  it('counts a version stored under another backup name as corrupted', async () => {
    const other = 'Gärkeller Süd 2026-11-22T11.00.00.zip'
    const verdict = await judge(versions, ['dropbox'], [copy('dropbox', other, v2.bytes())])
    expect(verdict.corrupted).toEqual([expect.stringContaining(`"${other}" holds a version of`)])
  })

  it('lists every job that did not end done', () => {
    const job = { job_id: 7, name: NAME, connection_id: 'local', attempts: 6, superseded_by: null }
    expect(
      unfinishedJobs([
        { ...job, status: 'done', error: null },
        { ...job, status: 'failed', error: { code: 'provider_error', message: 'HTTP 503' } },
      ]),
    ).toEqual([`job 7 "${NAME}" → local: failed after 6 attempts (provider_error: HTTP 503)`])
  })

  it('passes over a job replaced by a newer version, but not one cancelled otherwise', () => {
    const job = { name: NAME, connection_id: 'local', attempts: 0, error: null }
    const newer = { ...job, job_id: 9, status: 'done', superseded_by: null }
    const replaced = { ...job, job_id: 8, status: 'cancelled', superseded_by: 9 }
    const cancelled = { ...job, job_id: 7, status: 'cancelled', superseded_by: null }
    expect(unfinishedJobs([newer, replaced, cancelled])).toEqual([
      `job 7 "${NAME}" → local: cancelled after 0 attempts`,
    ])
  })
})
