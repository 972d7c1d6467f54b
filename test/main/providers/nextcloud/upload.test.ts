import { createHash } from 'node:crypto'
import { readFileSync, utimesSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import { MIB, writeBackup } from '../../../support/backup-files.ts'
import { runCli } from '../../../support/cli-process.ts'
import { nextcloudHomePerTest, type NextcloudHome } from '../../../support/nextcloud-fixture.ts'
import { parseJson, type UploadReport } from '../../../support/upload-fixture.ts'

vi.setConfig({ testTimeout: 90_000 })
const openHome = nextcloudHomePerTest()
const FOLDER = '/Fermentrack Backups'
const UPLOADS = '/remote.php/dav/uploads/brewer/'

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex')

/** Old enough for the upload command to take it as settled. */
function age(path: string): void {
  const then = Date.now() / 1000 - 60
  utimesSync(path, then, then)
}

async function upload(h: NextcloudHome, path: string) {
  const result = await runCli(['upload', path, '--json'], h.env)
  return { result, reports: parseJson<UploadReport[]>(result) }
}

describe('uploads to Nextcloud through the CLI', () => {
  it('sends a small file in one PUT with OC-Checksum, and reports the SHA-256 Nextcloud stored', async () => {
    const h = await openHome()
    const path = await writeBackup(h.backups, '2026-11-22T10.00.00.tar.xz', 300_000, 3)
    age(path)
    const { result, reports } = await upload(h, path)
    expect(result.code, result.stderr).toBe(0)
    expect(reports).toMatchObject([
      {
        status: 'done',
        remote_path: `${FOLDER}/2026-11-22T10.00.00.tar.xz`,
        content_hash: sha256(path),
      },
    ])
    expect(h.nc.stored(`${FOLDER}/2026-11-22T10.00.00.tar.xz`)?.equals(readFileSync(path))).toBe(
      true,
    )
    const puts = h.nc.requests.filter((r) => r.method === 'PUT')
    expect(puts).toHaveLength(1)
    expect(puts[0]!.headers['oc-checksum']).toBe(`SHA256:${sha256(path)}`)
    expect(h.nc.requests.some((r) => r.path.startsWith(UPLOADS))).toBe(false)
  })

  it('sends a file over the threshold with chunked upload v2: Destination on every request, chunks of 5 MiB or more', async () => {
    const h = await openHome()
    const size = 2 * 8 * MIB + 1234 // the app's 8 MiB chunk size: three chunks
    const path = await writeBackup(h.backups, 'large.tar.xz', size, 4)
    age(path)
    const { result, reports } = await upload(h, path)
    expect(result.code, result.stderr).toBe(0)
    expect(reports).toMatchObject([
      { status: 'done', remote_path: `${FOLDER}/large.tar.xz`, content_hash: sha256(path) },
    ])
    expect(h.nc.stored(`${FOLDER}/large.tar.xz`)?.equals(readFileSync(path))).toBe(true)
    const chunking = h.nc.requests.filter((r) => r.path.startsWith(UPLOADS))
    expect(
      chunking.map((r) => `${r.method} ${r.path.slice(UPLOADS.length).replace(/^[^/]+/, 'ID')}`),
    ).toEqual(['MKCOL ID', 'PUT ID/1', 'PUT ID/2', 'PUT ID/3', 'MOVE ID/.file'])
    const destination = `${h.nc.url}/remote.php/dav/files/brewer/Fermentrack%20Backups/large.tar.xz`
    for (const r of chunking)
      expect(r.headers.destination, `${r.method} ${r.path}`).toBe(destination)
    expect(chunking.filter((r) => r.method === 'PUT').map((r) => r.bodyBytes)).toEqual([
      8 * MIB,
      8 * MIB,
      1234,
    ])
    const move = chunking.at(-1)!
    expect(move.headers['oc-total-length']).toBe(String(size))
    expect(move.headers['oc-checksum']).toBe(`SHA256:${sha256(path)}`)
    expect(h.nc.uploadFolders()).toEqual([])
  })

  it('the same content again is a no-op; a different file of that name is kept as "name (2)"', async () => {
    const h = await openHome()
    const path = await writeBackup(h.backups, 'same.tar.xz', 50_000, 5)
    age(path)
    expect((await upload(h, path)).result.code).toBe(0)
    const received = h.nc.bytesReceived()
    const again = await runCli(['upload', path, '--json'], h.env)
    expect(again.code, again.stderr).toBe(0)
    expect(h.nc.bytesReceived()).toBe(received)
    await writeBackup(h.backups, 'same.tar.xz', 60_000, 6)
    age(path)
    const { reports } = await upload(h, path)
    expect(reports).toMatchObject([{ status: 'done', remote_path: `${FOLDER}/same (2).tar.xz` }])
    expect(h.nc.storedPaths()).toEqual([`${FOLDER}/same (2).tar.xz`, `${FOLDER}/same.tar.xz`])
    expect(h.nc.stored(`${FOLDER}/same (2).tar.xz`)?.equals(readFileSync(path))).toBe(true)
  })

  it('a full account fails the upload with insufficient_space before any chunk is sent', async () => {
    const h = await openHome({ emulator: { quotaBytes: 10 * MIB } })
    const path = await writeBackup(h.backups, 'too-big.tar.xz', 12 * MIB, 7)
    age(path)
    const { reports } = await upload(h, path)
    expect(reports).toMatchObject([{ status: 'failed', error: { code: 'insufficient_space' } }])
    expect(h.nc.bytesReceived()).toBe(0)
    expect(h.nc.storedPaths()).toEqual([])
  })

  it('a revoked app password pauses the connection as needs_reauth', async () => {
    const h = await openHome()
    h.nc.revokeAppPasswords()
    const path = await writeBackup(h.backups, 'revoked.tar.xz', 10_000, 8)
    age(path)
    const { reports } = await upload(h, path)
    expect(reports).toMatchObject([{ error: { code: 'needs_reauth' } }])
    const connections = await runCli(['connections', '--json'], h.env)
    expect(connections.stdout).toContain('needs_reauth')
  })
})
