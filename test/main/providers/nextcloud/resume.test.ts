import { createHash } from 'node:crypto'
import { readFileSync, utimesSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import { MIB, writeBackup } from '../../../support/backup-files.ts'
import { startCli } from '../../../support/cli-process.ts'
import { nextcloudHomePerTest, type NextcloudHome } from '../../../support/nextcloud-fixture.ts'
import { history, parseJson, type UploadReport } from '../../../support/upload-fixture.ts'
import { waitWhileRunning } from '../../../support/wait-for.ts'

vi.setConfig({ testTimeout: 120_000 })
const openHome = nextcloudHomePerTest()
const UPLOADS = '/remote.php/dav/uploads/brewer/'
const CHUNK = 8 * MIB // the app's default chunk size
const SIZE = 5 * CHUNK + 4321

function age(path: string): void {
  const then = Date.now() / 1000 - 60
  utimesSync(path, then, then)
}

/** Starts `upload`, lets two chunks arrive whole, then kills the process with SIGKILL. */
async function killMidChunks(h: NextcloudHome, path: string): Promise<void> {
  // Each chunk PUT is held before its body is read, so the kill lands inside the chunk loop.
  h.nc.injectFault({ method: 'PUT', path: UPLOADS }, { kind: 'delay', ms: 200 }, 100)
  const first = startCli(['upload', path, '--json'], h.env)
  first.child.stdin.end()
  await waitWhileRunning(first, () => (h.nc.uploadFolders()[0]?.chunks.length ?? 0) >= 2, {
    what: 'two chunks received',
    timeoutMs: 60_000,
  })
  first.child.kill('SIGKILL')
  expect((await first.done).code).toBeNull()
  expect(h.nc.storedPaths()).toEqual([])
}

async function restart(h: NextcloudHome, path: string): Promise<UploadReport[]> {
  const second = startCli(['upload', path, '--json'], h.env)
  second.child.stdin.end()
  const result = await second.done
  expect(result.code, result.stderr).toBe(0)
  return parseJson<UploadReport[]>(result)
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex')
const mkcols = (h: NextcloudHome) =>
  h.nc.requests.filter((r) => r.method === 'MKCOL' && r.path.startsWith(UPLOADS))

describe('kill -9 in the middle of a chunked upload', () => {
  it('a restarted upload asks the upload folder which chunks arrived and sends only the rest', async () => {
    const h = await openHome()
    const path = await writeBackup(h.backups, 'killed.tar.xz', SIZE, 21)
    age(path)
    await killMidChunks(h, path)
    const [folder] = h.nc.uploadFolders()
    const whole = folder!.chunks.length
    const before = h.nc.bytesReceived()
    const requestsBefore = h.nc.requests.length

    const reports = await restart(h, path)
    expect(reports).toMatchObject([
      {
        status: 'done',
        remote_path: '/Fermentrack Backups/killed.tar.xz',
        content_hash: sha256(path),
      },
    ])
    expect(h.nc.stored('/Fermentrack Backups/killed.tar.xz')?.equals(readFileSync(path))).toBe(true)
    // The same upload folder was continued: no second MKCOL, and its chunks were listed.
    expect(mkcols(h)).toHaveLength(1)
    const after = h.nc.requests.slice(requestsBefore)
    expect(after.some((r) => r.method === 'PROPFIND' && r.path === `${UPLOADS}${folder!.id}`)).toBe(
      true,
    )
    const resentChunks = after
      .filter((r) => r.method === 'PUT')
      .map((r) => Number(r.path.split('/').at(-1)))
    for (let n = 1; n <= whole; n++) expect(resentChunks).not.toContain(n)
    // The emulator's own byte count of the restart's requests (not the killed one's, which the
    // server may still be draining from the socket): at most what had not arrived whole.
    const resent = after.filter((r) => r.method === 'PUT').reduce((sum, r) => sum + r.bodyBytes, 0)
    expect(resent).toBeLessThanOrEqual(SIZE - whole * CHUNK)
    expect(h.nc.bytesReceived() - before).toBeGreaterThanOrEqual(resent)
    expect((await history(h.env)).jobs).toMatchObject([{ status: 'done', attempts: 1 }])
  })

  it('an upload folder that expired meanwhile (404) starts over in a new one', async () => {
    const h = await openHome()
    const path = await writeBackup(h.backups, 'expired.tar.xz', SIZE, 22)
    age(path)
    await killMidChunks(h, path)
    const [old] = h.nc.uploadFolders()
    h.nc.expireUploads()
    const before = h.nc.bytesReceived()

    const reports = await restart(h, path)
    expect(reports).toMatchObject([{ status: 'done', content_hash: sha256(path) }])
    expect(h.nc.stored('/Fermentrack Backups/expired.tar.xz')?.equals(readFileSync(path))).toBe(
      true,
    )
    const folders = mkcols(h).map((r) => r.path)
    expect(folders).toHaveLength(2)
    expect(folders[1]).not.toBe(folders[0])
    expect(folders[0]).toBe(`${UPLOADS}${old!.id}`)
    expect(h.nc.bytesReceived() - before).toBeGreaterThanOrEqual(SIZE)
  })
})
