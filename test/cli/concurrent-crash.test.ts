import { readFileSync, utimesSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import type { DropboxResume } from '../../src/main/providers/dropbox/resume-state.ts'
import { JobStore } from '../../src/main/uploads/job-store.ts'
import type { RequestRecord } from '../emulators/dropbox/index.ts'
import { dropboxContentHash, MIB, writeBackup } from '../support/backup-files.ts'
import { startCli } from '../support/cli-process.ts'
import {
  dropboxHomePerTest,
  history,
  parseJson,
  storedAt,
  type DropboxHome,
  type UploadReport,
} from '../support/upload-fixture.ts'
import { waitWhileRunning } from '../support/wait-for.ts'

// Two real CLI processes and some 50 MiB through a capped link on a busy two-core machine.
vi.setConfig({ testTimeout: 120_000 })

const FOLDER = '/Fermentrack Backups'
const openHome = dropboxHomePerTest()
const START = '/2/files/upload_session/start'
const APPEND = '/2/files/upload_session/append_v2'
const FINISH = '/2/files/upload_session/finish'

type Append = RequestRecord & { arg: { cursor: { session_id: string; offset: number } } }

const appends = (h: DropboxHome, from = 0): Append[] =>
  h.emulator.requests.slice(from).filter((r) => r.path === APPEND) as Append[]

/** The resume state the killed process left for its job. */
function savedResume(home: string): DropboxResume {
  const store = new JobStore(home)
  try {
    const [job] = store.inFlight()
    return job!.resume as DropboxResume
  } finally {
    store.close()
  }
}

describe('kill -9 in the middle of a concurrent upload session', () => {
  it('a restarted upload sends only the pieces the killed one had not saved as acknowledged, and the file is byte-exact', async () => {
    const chunkSize = 4 * MIB
    // A capped link keeps pieces small (the sizer aims at a few seconds each) and the kill
    // inside the upload.
    const h = await openHome({ chunkSize, parallelChunks: 3 }, { FTB_BANDWIDTH_LIMIT: '12M' })
    const size = 12 * chunkSize + 4321
    const path = await writeBackup(h.backups, 'concurrent.tar.xz', size, 23)
    const then = Date.now() / 1000 - 60
    utimesSync(path, then, then)

    const first = startCli(['upload', path, '--json'], h.env)
    first.child.stdin.end()
    await waitWhileRunning(first, () => appends(h).filter((r) => r.status === 200).length >= 3, {
      what: 'three acknowledged appends',
      timeoutMs: 60_000,
    })
    first.child.kill('SIGKILL')
    expect((await first.done).code).toBeNull()
    expect(h.emulator.count(FINISH)).toBe(0)

    const saved = savedResume(h.home)
    const held = saved.pieces!.map(([offset]) => offset)
    expect(held.length).toBeGreaterThanOrEqual(2)
    const [session] = h.emulator.requests.filter((r) => r.path === START)
    expect(session).toMatchObject({ bodyBytes: 0, arg: { session_type: { '.tag': 'concurrent' } } })
    const beforeRestart = h.emulator.requests.length

    const second = startCli(['upload', path, '--json'], h.env)
    second.child.stdin.end()
    const result = await second.done
    expect(result.code, result.stderr).toBe(0)
    expect(parseJson<UploadReport[]>(result)).toMatchObject([
      { status: 'done', remote_path: `${FOLDER}/concurrent.tar.xz` },
    ])

    // The same session, continued: no new start, and no saved piece sent again.
    expect(h.emulator.count(START)).toBe(1)
    const resent = appends(h, beforeRestart)
    expect(resent.filter((r) => held.includes(r.arg.cursor.offset))).toEqual([])
    expect(resent.every((r) => r.status === 200)).toBe(true)
    // Each piece once over both runs, but those in flight at the kill, which may have arrived
    // without the killed process saving them: those at most twice.
    const landed = appends(h).filter((r) => r.status === 200)
    const inFlightAtKill = new Set(
      appends(h)
        .slice(0, appends(h).length - resent.length)
        .filter((r) => !held.includes(r.arg.cursor.offset))
        .map((r) => r.arg.cursor.offset),
    )
    const times = new Map<number, number>()
    for (const r of landed)
      times.set(r.arg.cursor.offset, (times.get(r.arg.cursor.offset) ?? 0) + 1)
    for (const [offset, count] of times) {
      expect(count, `offset ${offset}`).toBeLessThanOrEqual(inFlightAtKill.has(offset) ? 2 : 1)
    }
    expect(inFlightAtKill.size).toBeLessThanOrEqual(3)
    // The pieces that landed tile the file.
    const pieces = [...new Map(landed.map((r) => [r.arg.cursor.offset, r.bodyBytes]))].sort(
      (a, b) => a[0] - b[0],
    )
    let end = 0
    for (const [offset, length] of pieces) {
      expect(offset).toBe(end)
      end += length
    }
    expect(end).toBe(size)

    const stored = storedAt(h.emulator, `${FOLDER}/concurrent.tar.xz`)!
    expect(stored.size).toBe(size)
    expect(stored.content_hash).toBe(await dropboxContentHash(path))
    expect(readFileSync(stored.localPath).equals(readFileSync(path))).toBe(true)
    expect((await history(h.env)).jobs).toMatchObject([{ status: 'done', attempts: 1 }])
  })
})
