import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { s3Provider } from '../../../../src/main/providers/s3/s3-provider.ts'
import { isAppError } from '../../../../src/shared/app-error.ts'
import { writeBackup } from '../../../support/backup-files.ts'
import { MIB, s3FixturePerTest, sourceFile, uploadContext } from './s3-fixture.ts'

const openFixture = s3FixturePerTest()

describe('S3 list, download and remove under the connection prefix', () => {
  it('lists files and folders directly in a folder, downloads one, removes one', async () => {
    const f = await openFixture({ prefix: 'brewery/' })
    const uploader = f.uploader()
    const a = await writeBackup(f.dir, 'a.tar.xz', 1234, 1)
    const b = await writeBackup(f.dir, 'b.tar.xz', 99, 2)
    await uploader.upload(await sourceFile(a), '/Fermentrack Backups', uploadContext())
    await uploader.upload(await sourceFile(b), '/Fermentrack Backups/old', uploadContext())

    const root = await s3Provider.list(f.credentials, '/', f.context)
    expect(root).toEqual([
      {
        name: 'Fermentrack Backups',
        path: '/Fermentrack Backups',
        size: 0,
        modified: null,
        isFolder: true,
      },
    ])
    const folder = await s3Provider.list(f.credentials, '/Fermentrack Backups', f.context)
    expect(folder.map((e) => [e.name, e.path, e.size, e.isFolder])).toEqual([
      ['old', '/Fermentrack Backups/old', 0, true],
      ['a.tar.xz', '/Fermentrack Backups/a.tar.xz', 1234, false],
    ])

    const target = join(f.dir, 'restored.tar.xz')
    await s3Provider.download(f.credentials, '/Fermentrack Backups/a.tar.xz', target, f.context)
    expect(readFileSync(target)).toEqual(readFileSync(a))

    await s3Provider.remove(f.credentials, '/Fermentrack Backups/a.tar.xz', f.context)
    expect(await f.emulator.stored('brewery/Fermentrack Backups/a.tar.xz')).toBeUndefined()
    expect(f.emulator.requests.filter((r) => r.method === 'DELETE').map((r) => r.key)).toEqual([
      'brewery/Fermentrack Backups/a.tar.xz',
    ])
  })

  it('lists the MD5 of a single-request upload as its checksum, and none for a multipart ETag', async () => {
    const f = await openFixture({ chunkSize: 5 * MIB })
    const small = await writeBackup(f.dir, 'small.tar.xz', 1000, 3)
    const large = await writeBackup(f.dir, 'large.tar.xz', 11 * MIB, 4)
    await f.uploader().upload(await sourceFile(small), '/', uploadContext())
    await f.uploader().upload(await sourceFile(large), '/', uploadContext())

    const listed = await s3Provider.list(f.credentials, '/', f.context)

    const md5 = createHash('md5').update(readFileSync(small)).digest('hex')
    expect(listed.find((e) => e.name === 'small.tar.xz')?.checksum).toEqual({
      algorithm: 'md5',
      value: md5,
    })
    // "<md5 of the part MD5s>-3" cannot be checked against the bytes without the part size.
    expect(listed.find((e) => e.name === 'large.tar.xz')).not.toHaveProperty('checksum')
  })

  it('resumes a download with a ranged GetObject, appending the rest', async () => {
    const f = await openFixture()
    const a = await writeBackup(f.dir, 'a.tar.xz', 5000, 5)
    await f.uploader().upload(await sourceFile(a), '/', uploadContext())
    const target = join(f.dir, 'restored.tar.xz')
    writeFileSync(target, readFileSync(a).subarray(0, 3000))

    await s3Provider.download(f.credentials, '/a.tar.xz', target, f.context, { offset: 3000 })

    expect(readFileSync(target).equals(readFileSync(a))).toBe(true)
    const gets = f.emulator.requests.filter((r) => r.method === 'GET' && r.key === 'a.tar.xz')
    expect(gets.map((r) => [r.status, r.range])).toEqual([[206, 'bytes=3000-']])
  })

  it('downloading a file that is not there names the path', async () => {
    const f = await openFixture()
    const error = await s3Provider
      .download(f.credentials, '/nope.tar.xz', join(f.dir, 'x'), f.context)
      .catch((e: unknown) => e)
    expect(isAppError(error, 'remote_not_found')).toBe(true)
    expect(String(error)).toContain('/nope.tar.xz')
    expect(existsSync(join(f.dir, 'x'))).toBe(false)
    expect(readdirSync(f.dir)).toEqual([])
  })
})
