import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DropboxApi } from '../../../../src/main/providers/dropbox/dropbox-api.ts'
import { dropboxFiles } from '../../../../src/main/providers/dropbox/dropbox-files.ts'
import { contentCall } from '../../../emulators/dropbox/content-request.ts'
import { startDropboxEmulator, type DropboxEmulator } from '../../../emulators/dropbox/index.ts'
import { dropboxContentHashOf } from '../../../support/backup-files.ts'
import { tempDir } from '../../../support/cli-process.ts'
import { APP_KEY, REDIRECT_URI, endpointsOf, linkAccount } from './emulator-account.ts'

let emulator: DropboxEmulator
let files: ReturnType<typeof dropboxFiles>
let token: string
/** More than one list_folder page holds (the emulator's default limit is 500). */
const MANY = 501

beforeAll(async () => {
  emulator = await startDropboxEmulator({ appKey: APP_KEY, redirectUris: [REDIRECT_URI] })
  const tokens = await linkAccount(emulator)
  token = await tokens.accessToken()
  files = dropboxFiles(new DropboxApi(endpointsOf(emulator), tokens))
  const put = (path: string, body: string) =>
    contentCall(emulator, '/2/files/upload', token, { path }, body).then((r) => r.arrayBuffer())
  for (let at = 0; at < MANY; at += 50) {
    const batch = Array.from({ length: Math.min(50, MANY - at) }, (_, i) => at + i)
    await Promise.all(batch.map((n) => put(`/Many/${String(n).padStart(3, '0')}.tar.xz`, `${n}`)))
  }
  await put('/Fermentrack Backups/Gärkeller.tar.xz', 'Weißbier')
})
afterAll(() => emulator.close())

describe('Dropbox files', () => {
  it('lists a folder over several pages (list_folder, then list_folder/continue)', async () => {
    const listed = await files.list('/Many')

    expect(listed).toHaveLength(MANY)
    expect(emulator.count('/2/files/list_folder/continue')).toBe(1)
    expect(listed[42]).toEqual({
      name: '042.tar.xz',
      path: '/Many/042.tar.xz',
      size: 2,
      modified: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      isFolder: false,
      // Dropbox's content_hash, under the name the uploader records it by.
      checksum: {
        algorithm: 'dropbox-content-hash',
        value: dropboxContentHashOf(Buffer.from('42')),
      },
    })
  })

  it('lists the App folder root as folders, and a folder not made yet as empty', async () => {
    expect(await files.list('/')).toEqual([
      {
        name: 'Fermentrack Backups',
        path: '/Fermentrack Backups',
        size: 0,
        modified: null,
        isFolder: true,
      },
      { name: 'Many', path: '/Many', size: 0, modified: null, isFolder: true },
    ])
    expect(await files.list('/Not yet')).toEqual([])
  })

  it('downloads a file whole, replacing what was at the target', async () => {
    const dir = tempDir('download')
    const target = join(dir, 'restored.tar.xz')

    await files.download('/Fermentrack Backups/Gärkeller.tar.xz', target)
    await files.download('/Fermentrack Backups/Gärkeller.tar.xz', target)

    expect(readFileSync(target, 'utf8')).toBe('Weißbier')
    expect(readdirSync(dir)).toEqual(['restored.tar.xz'])
  })

  it('resumes from an offset: asks Dropbox for the rest, appends it, and checks the whole file', async () => {
    const target = join(tempDir('download'), 'resumed.tar.xz')
    writeFileSync(target, 'Weiß')
    const before = emulator.requests.length
    const progress: number[] = []

    await files.download('/Fermentrack Backups/Gärkeller.tar.xz', target, {
      offset: Buffer.byteLength('Weiß'),
      onProgress: (done) => progress.push(done),
    })

    expect(readFileSync(target, 'utf8')).toBe('Weißbier')
    const asked = emulator.requests.slice(before).filter((r) => r.path === '/2/files/download')
    expect(asked.map((r) => [r.status, r.range])).toEqual([[206, 'bytes=5-']])
    expect(progress.at(-1)).toBe(Buffer.byteLength('Weißbier'))
  })

  it('from the end fetches nothing, and still checks the file against its content hash', async () => {
    const target = join(tempDir('download'), 'complete.tar.xz')
    writeFileSync(target, 'Weißbier')
    const size = Buffer.byteLength('Weißbier')

    await files.download('/Fermentrack Backups/Gärkeller.tar.xz', target, { offset: size })
    expect(readFileSync(target, 'utf8')).toBe('Weißbier')

    // Past the end: the 416 names a size that is not the offset, so the kept part is no prefix.
    writeFileSync(target, 'Weizenbier!!')
    await expect(
      files.download('/Fermentrack Backups/Gärkeller.tar.xz', target, { offset: 12 }),
    ).rejects.toMatchObject({ code: 'provider_error' })
    // As long as the file, but other bytes: nothing is fetched, and the check refuses them.
    writeFileSync(target, 'Weizen!!!')
    await expect(
      files.download('/Fermentrack Backups/Gärkeller.tar.xz', target, { offset: size }),
    ).rejects.toMatchObject({ code: 'verification_failed' })
    expect(existsSync(target)).toBe(false)
  })

  it('says remote_not_found for a file that is not there, and leaves no file behind', async () => {
    const dir = tempDir('download')
    const target = join(dir, 'nothing.tar.xz')

    await expect(files.download('/Fermentrack Backups/gone.tar.xz', target)).rejects.toMatchObject({
      code: 'remote_not_found',
      message: expect.stringContaining('/Fermentrack Backups/gone.tar.xz'),
    })
    expect(existsSync(target)).toBe(false)
    expect(readdirSync(dir)).toEqual([])
  })

  it('says destination_unavailable for a target folder that does not exist', async () => {
    const target = join(tempDir('download'), 'no such folder', 'x.tar.xz')

    await expect(
      files.download('/Fermentrack Backups/Gärkeller.tar.xz', target),
    ).rejects.toMatchObject({
      code: 'destination_unavailable',
      message: expect.stringContaining(target),
    })
  })

  it('removes a file, and removing it again is no error (the port: what was asked is done)', async () => {
    await files.remove('/Many/000.tar.xz')

    expect([...emulator.files().keys()]).not.toContain('/many/000.tar.xz')
    const before = emulator.count('/2/files/delete_v2')
    await files.remove('/Many/000.tar.xz')
    // Dropbox was asked, and answered not_found, which is taken as done.
    expect(emulator.count('/2/files/delete_v2')).toBe(before + 1)
  })
})
