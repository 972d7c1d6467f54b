import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { dropboxContentHash, MIB, writeBackup } from '../support/backup-files.ts'
import { runCli } from '../support/cli-process.ts'
import {
  contentRequests,
  dropboxHomePerTest,
  history,
  parseJson,
  storedAt,
  stderrBeyondWarnings,
  storedFiles,
  type UploadReport,
} from '../support/upload-fixture.ts'

// Each test drives several real CLI processes; a busy two-core machine needs more than 60 s.
vi.setConfig({ testTimeout: 120_000 })

const FOLDER = '/Fermentrack Backups'
const openHome = dropboxHomePerTest()

describe('upload to Dropbox', () => {
  it('uploads small, empty, unicode and 255-character names, each reported with the content hash Dropbox stored', async () => {
    const h = await openHome()
    const longName = `${'b'.repeat(248)}.tar.xz`
    expect(longName).toHaveLength(255)
    const files = [
      { name: '2026-11-22T10.00.00.tar.xz', size: 70_000 },
      // An empty .tar.xz is no archive (it fails as truncated); an empty file of another kind goes.
      { name: 'empty.tar', size: 0 },
      { name: 'Gärkeller Müller – 🍺 Weißbier.tar.xz', size: 12_345 },
      { name: longName, size: 4096 },
    ]
    const paths = await Promise.all(
      files.map(({ name, size }, i) => writeBackup(h.backups, name, size, i + 1)),
    )

    const result = await runCli(['upload', ...paths, '--json'], h.env)

    expect(result.code, result.stderr).toBe(0)
    const reports = parseJson<UploadReport[]>(result)
    expect(reports).toHaveLength(files.length)
    for (const [i, { name, size }] of files.entries()) {
      const report = reports[i]!
      expect(report).toMatchObject({
        file: paths[i],
        status: 'done',
        connection_id: h.connectionId,
        remote_path: `${FOLDER}/${name}`,
        error: null,
      })
      const stored = storedAt(h.emulator, `${FOLDER}/${name}`)
      expect(stored, name).toBeDefined()
      expect(stored!.size).toBe(size)
      expect(report.content_hash).toBe(stored!.content_hash)
      expect(report.content_hash).toBe(await dropboxContentHash(paths[i]!))
      expect(report).toMatchObject({
        checksum_algorithm: 'dropbox-content-hash',
        verified_by: expect.stringContaining('content_hash'),
      })
      expect(readFileSync(stored!.localPath).equals(readFileSync(paths[i]!))).toBe(true)
    }
    expect(storedFiles(h.emulator)).toHaveLength(files.length)
  })

  it('exits 1 when one file fails, reporting its error while the other is still verified', async () => {
    const h = await openHome({ concurrency: 1 })
    const full = await writeBackup(h.backups, 'first.tar.xz', 2000, 1)
    const fine = await writeBackup(h.backups, 'second.tar.xz', 3000, 2)
    h.emulator.injectFault('/2/files/upload', { kind: 'insufficient_space' })

    const result = await runCli(['upload', full, fine, '--json'], h.env)

    expect(result.code).toBe(1)
    const [failed, done] = parseJson<UploadReport[]>(result)
    expect(failed).toMatchObject({
      file: full,
      status: 'failed',
      remote_path: null,
      error: { code: 'insufficient_space', message: expect.stringContaining('storage is full') },
    })
    expect(done).toMatchObject({
      file: fine,
      status: 'done',
      remote_path: `${FOLDER}/second.tar.xz`,
    })
    expect(done!.content_hash).toBe(await dropboxContentHash(fine))
    expect(storedFiles(h.emulator).map((f) => f.path_display)).toEqual([`${FOLDER}/second.tar.xz`])
  })

  it('refuses a file that does not exist, with exit 1 and nothing queued', async () => {
    const h = await openHome()
    const result = await runCli(['upload', join(h.backups, 'nope.tar.xz'), '--json'], h.env)
    expect(result.code).toBe(1)
    expect(stderrBeyondWarnings(result.stderr)).toMatch(/^Error: .*nope\.tar\.xz does not exist/)
    expect((await history(h.env)).total).toBe(0)
    expect(contentRequests(h.emulator)).toEqual([])
  })

  it('sends nothing for a file uploaded before, and reports the same remote path and hash', async () => {
    const h = await openHome()
    const path = await writeBackup(h.backups, 'again.tar.xz', 5000)
    const first = await runCli(['upload', path, '--json'], h.env)
    expect(first.code, first.stderr).toBe(0)
    const requestsBefore = h.emulator.requests.length

    const second = await runCli(['upload', path, '--json'], h.env)

    expect(second.code, second.stderr).toBe(0)
    expect(parseJson<UploadReport[]>(second)).toEqual(parseJson<UploadReport[]>(first))
    expect(h.emulator.requests.slice(requestsBefore)).toEqual([])
    expect((await history(h.env)).jobs).toHaveLength(1)
  })

  it('sends a 300 MiB file through one upload session, each byte once, and stores the same hash', async () => {
    const chunkSize = 8 * MIB
    const h = await openHome({ chunkSize })
    const size = 300 * MIB + 12_345
    const path = await writeBackup(h.backups, 'big.tar.xz', size, 7)

    const result = await runCli(['upload', path, '--json'], h.env)

    expect(result.code, result.stderr).toBe(0)
    const [report] = parseJson<UploadReport[]>(result)
    const stored = storedAt(h.emulator, `${FOLDER}/big.tar.xz`)
    expect(stored?.size).toBe(size)
    expect(report!.content_hash).toBe(stored!.content_hash)
    expect(report!.content_hash).toBe(await dropboxContentHash(path))
    // A concurrent session (parallelChunks, 4 by default): an empty start, pieces on 4 MiB
    // offsets each sent once, an empty finish.
    expect(h.emulator.count('/2/files/upload')).toBe(0)
    const session = (route: string) =>
      h.emulator.requests.filter((r) => r.path === `/2/files/upload_session/${route}`)
    expect(session('start')).toMatchObject([{ bodyBytes: 0 }])
    expect(session('finish')).toMatchObject([{ bodyBytes: 0 }])
    const offsets = session('append_v2').map(
      (r) => (r.arg as { cursor: { offset: number } }).cursor.offset,
    )
    expect(new Set(offsets).size).toBe(offsets.length)
    expect(offsets.every((offset) => offset % (4 * MIB) === 0)).toBe(true)
    const sent = contentRequests(h.emulator).reduce((sum, r) => sum + r.bodyBytes, 0)
    expect(sent).toBe(size)
    expect(contentRequests(h.emulator).every((r) => r.status === 200)).toBe(true)
  })
})
