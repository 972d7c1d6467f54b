import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { describe, expect, it, vi } from 'vitest'
import { dropboxContentHash, writeBackup } from '../support/backup-files.ts'
import { runCli } from '../support/cli-process.ts'
import {
  dropboxHomePerTest,
  history,
  parseJson,
  startWatch,
  stopCli,
  storedAt,
} from '../support/upload-fixture.ts'
import { waitForOutput } from '../support/wait-for.ts'

// Each test drives several real CLI processes; a busy two-core machine needs more than 60 s.
vi.setConfig({ testTimeout: 120_000 })
const openHome = dropboxHomePerTest()

const UPLOAD = '/2/files/upload'
const ASKED_MS = 400_000

/** "14:05" in this machine's local time, as the CLI (same TZ) prints it. */
function clock(ms: number): string {
  const at = new Date(ms)
  return [at.getHours(), at.getMinutes()].map((n) => String(n).padStart(2, '0')).join(':')
}

interface WaitingJson {
  until: string
  reason: string
  text: string
}

describe('Dropbox asks for a wait longer than a request may hold (429, Retry-After 400 s)', () => {
  it('the job waits that long in the queue, says so in status and history, and then uploads', async () => {
    const h = await openHome()
    h.emulator.injectFault(UPLOAD, {
      kind: 'rate_limit',
      retryAfter: ASKED_MS / 1000,
      body: 'json',
    })
    const path = await writeBackup(h.backups, 'throttled.tar.xz', 20_000, 3)
    const before = Date.now()
    const watch = await startWatch(h.backups, h.env)

    await waitForOutput(watch, 'Waiting throttled.tar.xz')
    const after = Date.now()
    const [job] = (await history(h.env)).jobs as Array<
      Awaited<ReturnType<typeof history>>['jobs'][number] & { waiting: WaitingJson | null }
    >
    expect(job).toMatchObject({ status: 'queued', attempts: 0, error: { code: 'rate_limited' } })
    const until = Date.parse(job!.waiting!.until)
    expect(until).toBeGreaterThanOrEqual(before + ASKED_MS)
    expect(until).toBeLessThanOrEqual(after + ASKED_MS * 1.1 * 1.1)
    const line = `waiting until ${clock(until)} (Dropbox asked us to slow down)`
    expect(job!.waiting).toMatchObject({ reason: 'Dropbox asked us to slow down', text: line })
    expect(watch.output().stdout).toContain(`Waiting throttled.tar.xz → ${h.connectionId}: ${line}`)

    const status = await runCli(['status'], h.env)
    expect(status.stdout).toContain(`Waiting throttled.tar.xz → ${h.connectionId}: ${line}`)
    const statusJson = parseJson<{ waiting: Array<WaitingJson & { job_id: number }> }>(
      await runCli(['status', '--json'], h.env),
    )
    expect(statusJson.waiting).toEqual([
      {
        job_id: job!.job_id,
        name: 'throttled.tar.xz',
        connection_id: h.connectionId,
        ...job!.waiting,
      },
    ])
    const historyText = await runCli(['history'], h.env)
    expect(historyText.stdout).toContain(line)
    // One request only: nothing was retried behind the wait's back.
    expect(h.emulator.count(UPLOAD)).toBe(1)

    // Time passes (400 s, here in the queue's own database): the job is due and goes up.
    const db = new DatabaseSync(join(h.home, 'queue.db'), { timeout: 10_000 })
    db.prepare('UPDATE jobs SET not_before = ? WHERE id = ?').run(Date.now(), job!.job_id)
    db.close()
    await waitForOutput(watch, 'Uploaded throttled.tar.xz')
    await stopCli(watch)

    expect(storedAt(h.emulator, '/Fermentrack Backups/throttled.tar.xz')!.content_hash).toBe(
      await dropboxContentHash(path),
    )
    expect((await history(h.env)).jobs).toMatchObject([
      { status: 'done', attempts: 1, error: null },
    ])
  })
})
