import { createHash } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { basename } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Credentials, ProviderContext } from '../../../../src/main/providers/provider.ts'
import { nextcloudProvider } from '../../../../src/main/providers/nextcloud/nextcloud-provider.ts'
import type { SourceFile, UploadContext } from '../../../../src/main/uploads/uploader.ts'
import {
  startNextcloudEmulator,
  type NextcloudEmulator,
} from '../../../emulators/nextcloud/index.ts'
import { MIB, writeBackup } from '../../../support/backup-files.ts'
import { tempDir } from '../../../support/cli-process.ts'

const UPLOADS = '/remote.php/dav/uploads/brewer/'
let nc: NextcloudEmulator | undefined
afterEach(async () => nc?.close())

function context(env: NodeJS.ProcessEnv = {}): ProviderContext {
  return {
    settings: {} as ProviderContext['settings'],
    env,
    fetch,
    chunkSize: 8 * MIB,
    now: Date.now,
  }
}

/** The provider connected to a fresh emulator by its own Login Flow, the test granting. */
async function connected(env: NodeJS.ProcessEnv = {}) {
  nc = await startNextcloudEmulator()
  const emulator = nc
  const done = await nextcloudProvider.connect(
    { fields: { url: `${nc.url}/` }, onLoginUrl: (url) => emulator.grantLogin(url) },
    context(env),
  )
  let rejected = 0
  const credentials: Credentials = {
    connectionId: 'nextcloud-test',
    config: done.config,
    tokens: null,
    secret: done.secret,
    rejected: async () => void rejected++,
  }
  return {
    credentials,
    uploader: nextcloudProvider.uploader(credentials, context(env)),
    rejected: () => rejected,
  }
}

function source(path: string): SourceFile {
  const info = statSync(path)
  return { path, name: basename(path), size: info.size, mtimeMs: info.mtimeMs }
}

function uploadContext(saved: unknown[] = []): UploadContext {
  return {
    signal: new AbortController().signal,
    onProgress: () => {},
    resume: undefined,
    saveResume: (state) => void saved.push(state),
  }
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')

describe('NextcloudUploader', () => {
  it('uploads an empty file with the SHA-256 of nothing', async () => {
    const { uploader } = await connected()
    const path = await writeBackup(tempDir('nc'), 'empty.tar.xz', 0)
    const placed = await uploader.upload(source(path), '/Backups/Nested', uploadContext())
    expect(placed).toMatchObject({
      remotePath: '/Backups/Nested/empty.tar.xz',
      size: 0,
      alreadyPresent: false,
    })
    expect(placed.checksum).toEqual({ algorithm: 'sha256', value: sha256(Buffer.alloc(0)) })
    expect(nc!.stored('/Backups/Nested/empty.tar.xz')).toEqual(Buffer.alloc(0))
  })

  it('reports identical content already there as alreadyPresent, sending nothing', async () => {
    const { uploader } = await connected()
    const path = await writeBackup(tempDir('nc'), 'twice.tar.xz', 1000, 2)
    await uploader.upload(source(path), '/Backups', uploadContext())
    const before = nc!.bytesReceived()
    const again = await uploader.upload(source(path), '/Backups', uploadContext())
    expect(again).toMatchObject({
      remotePath: '/Backups/twice.tar.xz',
      alreadyPresent: true,
      renamed: false,
    })
    expect(nc!.bytesReceived()).toBe(before)
  })

  it('saves the upload folder before the first chunk, and survives a lost answer to MOVE', async () => {
    const { uploader } = await connected()
    const path = await writeBackup(tempDir('nc'), 'lost-move.tar.xz', 12 * MIB, 3)
    nc!.injectFault({ method: 'MOVE', path: UPLOADS }, { kind: 'drop_response' })
    nc!.injectFault({ method: 'PUT', path: UPLOADS }, { kind: 'status', status: 503 })
    const saved: unknown[] = []
    const placed = await uploader.upload(source(path), '/Backups', uploadContext(saved))
    expect(placed.remotePath).toBe('/Backups/lost-move.tar.xz')
    expect(nc!.stored('/Backups/lost-move.tar.xz')?.equals(readFileSync(path))).toBe(true)
    const mkcol = nc!.requests.findIndex((r) => r.method === 'MKCOL' && r.path.startsWith(UPLOADS))
    const firstChunk = nc!.requests.findIndex(
      (r) => r.method === 'PUT' && r.path.startsWith(UPLOADS),
    )
    expect(mkcol).toBeLessThan(firstChunk)
    expect(saved).toMatchObject([
      {
        kind: 'nextcloud-chunking-v2',
        destination: '/Backups/lost-move.tar.xz',
        size: 12 * MIB,
        chunkSize: 8 * MIB,
      },
    ])
  })

  it('uses one PUT up to FTB_NEXTCLOUD_CHUNKED_THRESHOLD, and chunks above it', async () => {
    const { uploader } = await connected({ FTB_NEXTCLOUD_CHUNKED_THRESHOLD: String(20 * MIB) })
    const path = await writeBackup(tempDir('nc'), 'threshold.tar.xz', 12 * MIB, 4)
    await uploader.upload(source(path), '/Backups', uploadContext())
    expect(nc!.requests.some((r) => r.path.startsWith(UPLOADS))).toBe(false)
  })

  it('marks the credentials rejected on a 401', async () => {
    const { uploader, rejected } = await connected()
    nc!.revokeAppPasswords()
    const path = await writeBackup(tempDir('nc'), 'refused.tar.xz', 100, 5)
    await expect(uploader.upload(source(path), '/Backups', uploadContext())).rejects.toMatchObject({
      code: 'needs_reauth',
    })
    expect(rejected()).toBe(1)
  })

  it('lists a folder without itself; a path that is not there is remote_not_found', async () => {
    const { credentials } = await connected()
    const path = await writeBackup(tempDir('nc'), 'listed.tar.xz', 500, 6)
    await nextcloudProvider
      .uploader(credentials, context())
      .upload(source(path), '/Backups', uploadContext())
    const listed = await nextcloudProvider.list(credentials, '/Backups', context())
    expect(listed).toMatchObject([
      { name: 'listed.tar.xz', path: '/Backups/listed.tar.xz', size: 500, isFolder: false },
    ])
    const root = await nextcloudProvider.list(credentials, '/', context())
    expect(root).toMatchObject([{ name: 'Backups', path: '/Backups', isFolder: true }])
    await expect(nextcloudProvider.list(credentials, '/Nowhere', context())).rejects.toMatchObject({
      code: 'remote_not_found',
    })
    // Already gone is no error: the port's remove is done when the file is not there.
    await expect(
      nextcloudProvider.remove(credentials, '/Backups/gone.tar.xz', context()),
    ).resolves.toBeUndefined()
    await expect(
      nextcloudProvider.download(
        credentials,
        '/Backups/gone.tar.xz',
        `${tempDir('nc')}/x`,
        context(),
      ),
    ).rejects.toMatchObject({ code: 'remote_not_found' })
  })
})
