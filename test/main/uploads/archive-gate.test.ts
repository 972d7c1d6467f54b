import { statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isAppError } from '../../../src/shared/app-error.ts'
import { ArchiveGate } from '../../../src/main/uploads/archive-gate.ts'
import { sourceFileAt } from '../../../src/main/uploads/source-file.ts'
import { backupBytes } from '../../support/backup-files.ts'
import { tempDir } from '../../support/cli-process.ts'

const MINUTE = 60_000
const complete = backupBytes(10_000, 1)
const truncated = complete.subarray(0, 6000)

/** The file written with `bytes` and an mtime `ageMs` before `now`, as the queue would see it. */
async function fileAt(name: string, bytes: Buffer, now: number, ageMs: number) {
  const path = join(tempDir('gate'), name)
  writeFileSync(path, bytes)
  utimesSync(path, (now - ageMs) / 1000, (now - ageMs) / 1000)
  return sourceFileAt(path)
}

async function verdict(promise: Promise<void>): Promise<string> {
  try {
    await promise
    return 'admitted'
  } catch (error) {
    if (isAppError(error)) return `${error.code}: ${error.message}`
    throw error
  }
}

describe('ArchiveGate', () => {
  it('admits a complete archive, and any file that is not a checked archive', async () => {
    const gate = new ArchiveGate(10 * MINUTE)
    const now = Date.now()
    expect(
      await verdict(gate.admit(await fileAt('a.tar.xz', complete, now, 0), 'watch', now)),
    ).toBe('admitted')
    expect(await verdict(gate.admit(await fileAt('a.log', truncated, now, 0), 'watch', now))).toBe(
      'admitted',
    )
  })

  it('holds an incomplete archive from the watcher until its last change is older than the limit', async () => {
    const gate = new ArchiveGate(10 * MINUTE)
    const now = Date.now()
    const young = await fileAt('young.tar.xz', truncated, now, 9 * MINUTE)
    expect(await verdict(gate.admit(young, 'watch', now))).toBe(
      `archive_incomplete: ${young.path} is not a complete xz archive yet: waiting for it to be finished. ` +
        'Nothing to do: it is checked again when it changes and uploaded once complete; if it stays ' +
        'incomplete for `incompleteArchiveMinutes` (10 by default), the upload fails.',
    )
    // Nothing to read again before the wait runs out, unless the file changes first.
    await expect(gate.admit(young, 'watch', now)).rejects.toMatchObject({
      recheckAt: young.mtimeMs + 10 * MINUTE,
    })
    const old = await fileAt('old.tar.xz', truncated, now, 10 * MINUTE)
    expect(await verdict(gate.admit(old, 'watch', now))).toMatch(
      new RegExp(
        `^archive_truncated: ${old.path} is not a complete xz archive, and has not changed for 10 min: it looks truncated\\.`,
      ),
    )
  })

  it('fails a truncated archive uploaded by hand at once', async () => {
    const gate = new ArchiveGate(10 * MINUTE)
    const now = Date.now()
    const file = await fileAt('dropped.zip', Buffer.from('PK\x03\x04 half a zip'), now, 0)
    expect(await verdict(gate.admit(file, 'manual', now))).toMatch(
      new RegExp(
        `^archive_truncated: ${file.path} is not a complete zip archive: it looks truncated\\.`,
      ),
    )
  })

  it('reads an archive again only when it has changed', async () => {
    const gate = new ArchiveGate(10 * MINUTE)
    const now = Date.now()
    const file = await fileAt('growing.tar.xz', truncated, now, 0)
    expect(await verdict(gate.admit(file, 'watch', now))).toMatch(/^archive_incomplete/)
    // Completed behind the gate's back with the same size and mtime: that version was judged.
    const sameVersion = Buffer.concat([complete.subarray(0, 5000), complete.subarray(-1000)])
    writeFileSync(file.path, sameVersion)
    utimesSync(file.path, file.mtimeMs / 1000, file.mtimeMs / 1000)
    expect(statSync(file.path).mtimeMs).toBe(file.mtimeMs)
    expect(await verdict(gate.admit(await sourceFileAt(file.path), 'watch', now))).toMatch(
      /^archive_incomplete/,
    )
    writeFileSync(file.path, complete)
    expect(await verdict(gate.admit(await sourceFileAt(file.path), 'watch', now))).toBe('admitted')
  })
})
