import {
  appendFileSync,
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { link } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { tempName } from '../../../../src/main/providers/local/file-names.ts'
import { LocalFolderUploader } from '../../../../src/main/providers/local/local-folder-uploader.ts'
import { isAppError } from '../../../../src/shared/app-error.ts'
import { context, destinationRoot, removeTempDirs, sourceFile, tree } from './local-harness.ts'

afterAll(removeTempDirs)

const FOLDER = '/Fermentrack Backups'
const MiB = 1024 * 1024
const isRoot = process.getuid?.() === 0

function errno(code: string): Error {
  return Object.assign(new Error(code), { code })
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<unknown> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(isAppError(error) ? error.code : error).toBe(code)
  return error
}

describe('LocalFolderUploader: a source that changes or goes away', () => {
  it('fails with file_changed when the file grows during the copy, leaving nothing behind', async () => {
    const root = destinationRoot()
    const file = sourceFile('a.tar.xz', Buffer.alloc(3 * MiB, 1))
    const ctx = context((bytes) => bytes === MiB && appendFileSync(file.path, 'more'))
    const uploader = new LocalFolderUploader({ destination: root })
    await expectCode(uploader.upload(file, FOLDER, ctx), 'file_changed')
    expect(tree(root)).toEqual(['Fermentrack Backups'])
  })

  it('fails with file_changed when the file is rewritten in place during the copy', async () => {
    const root = destinationRoot()
    const file = sourceFile('a.tar.xz', Buffer.alloc(3 * MiB, 1))
    const ctx = context((bytes) => {
      if (bytes !== MiB) return
      const fd = openSync(file.path, 'r+')
      writeSync(fd, Buffer.alloc(10, 2), 0, 10, 2 * MiB)
      closeSync(fd)
    })
    const uploader = new LocalFolderUploader({ destination: root })
    await expectCode(uploader.upload(file, FOLDER, ctx), 'file_changed')
    expect(tree(root)).toEqual(['Fermentrack Backups'])
  })

  it('fails with file_changed when the file is no longer what the watcher settled on', async () => {
    const file = sourceFile('a.tar.xz', 'settled')
    writeFileSync(file.path, 'rewritten later')
    const uploader = new LocalFolderUploader({ destination: destinationRoot() })
    await expectCode(uploader.upload(file, FOLDER, context()), 'file_changed')
  })

  it('fails with file_missing when the source was deleted', async () => {
    const file = sourceFile('a.tar.xz', 'x')
    unlinkSync(file.path)
    const uploader = new LocalFolderUploader({ destination: destinationRoot() })
    await expectCode(uploader.upload(file, FOLDER, context()), 'file_missing')
  })

  it('fails with file_missing when the source is deleted during the copy, placing nothing', async () => {
    const root = destinationRoot()
    const file = sourceFile('a.tar.xz', Buffer.alloc(3 * MiB, 1))
    const ctx = context((bytes) => bytes === MiB && unlinkSync(file.path))
    const uploader = new LocalFolderUploader({ destination: root })
    await expectCode(uploader.upload(file, FOLDER, ctx), 'file_missing')
    expect(tree(root)).toEqual(['Fermentrack Backups'])
  })

  it('fails with file_changed when another file is renamed over the source during the copy', async () => {
    const root = destinationRoot()
    const file = sourceFile('a.tar.xz', Buffer.alloc(3 * MiB, 1))
    const other = join(dirname(file.path), 'other')
    writeFileSync(other, Buffer.alloc(3 * MiB, 1))
    utimesSync(other, new Date(file.mtimeMs), new Date(file.mtimeMs))
    const ctx = context((bytes) => bytes === MiB && renameSync(other, file.path))
    const uploader = new LocalFolderUploader({ destination: root })
    await expectCode(uploader.upload(file, FOLDER, ctx), 'file_changed')
    expect(tree(root)).toEqual(['Fermentrack Backups'])
  })

  it.skipIf(isRoot)('fails with permission_denied when the source cannot be read', async () => {
    const file = sourceFile('a.tar.xz', 'x')
    chmodSync(file.path, 0)
    const uploader = new LocalFolderUploader({ destination: destinationRoot() })
    await expectCode(uploader.upload(file, FOLDER, context()), 'permission_denied')
  })
})

describe('LocalFolderUploader: destination trouble', () => {
  it('fails with destination_unavailable when the root is missing, and creates nothing', async () => {
    const root = join(dirname(destinationRoot()), 'unmounted-nas')
    const uploader = new LocalFolderUploader({ destination: root })
    const error = await expectCode(
      uploader.upload(sourceFile('a.tar.xz', 'x'), FOLDER, context()),
      'destination_unavailable',
    )
    expect((error as Error).message).toContain(root)
    expect(existsSync(root)).toBe(false)
  })

  it('fails with destination_unavailable when the root is a file', async () => {
    const root = join(dirname(destinationRoot()), 'file')
    writeFileSync(root, 'x')
    const uploader = new LocalFolderUploader({ destination: root })
    await expectCode(
      uploader.upload(sourceFile('a.tar.xz', 'x'), FOLDER, context()),
      'destination_unavailable',
    )
  })

  it('refuses a remote folder that climbs out of the destination', async () => {
    const root = destinationRoot()
    const uploader = new LocalFolderUploader({ destination: root })
    await expectCode(
      uploader.upload(sourceFile('a.tar.xz', 'x'), '/../outside', context()),
      'destination_unavailable',
    )
    expect(tree(dirname(root))).toEqual(['nas'])
  })

  it('fails with verification_failed, and removes the copy, when it reads back differently', async () => {
    const root = destinationRoot()
    const corrupting = async (_from: string, to: string) => writeFileSync(to, 'bit rot')
    const uploader = new LocalFolderUploader({ destination: root, link: corrupting })
    await expectCode(
      uploader.upload(sourceFile('a.tar.xz', 'good data'), FOLDER, context()),
      'verification_failed',
    )
    expect(tree(root)).toEqual(['Fermentrack Backups'])
  })
})

describe('LocalFolderUploader: abort, leftovers, odd file systems', () => {
  it('stops when aborted and leaves no temp file', async () => {
    const root = destinationRoot()
    const file = sourceFile('a.tar.xz', Buffer.alloc(3 * MiB, 1))
    const ctx = context((bytes) => bytes === MiB && ctx.abort())
    const uploader = new LocalFolderUploader({ destination: root })
    const error = await uploader.upload(file, FOLDER, ctx).catch((e: unknown) => e)
    expect((error as Error).name).toBe('AbortError')
    expect(tree(root)).toEqual(['Fermentrack Backups'])
  })

  it('removes temp files a crashed copy left: its own at once, others after an hour', async () => {
    const root = destinationRoot()
    const folder = join(root, 'Fermentrack Backups')
    mkdirSync(folder)
    const hourAgo = new Date(Date.now() - 61 * 60 * 1000)
    const file = sourceFile('a.tar.xz', 'x')
    const leftovers = {
      own: tempName(file),
      staleOther: '.b.tar.xz.ftb-aaaaaaaaaaaa.part',
      freshOther: '.c.tar.xz.ftb-bbbbbbbbbbbb.part',
      // A backup of the same name from another folder, being copied right now.
      freshSameName: tempName({ ...file, path: join(dirname(file.path), 'b', 'a.tar.xz') }),
      unrelatedDotfile: '.b.tar.xz',
      notOurs: 'b.tar.xz.ftb-cccccccccccc.part',
    }
    for (const name of Object.values(leftovers)) writeFileSync(join(folder, name), 'half')
    utimesSync(join(folder, leftovers.staleOther), hourAgo, hourAgo)
    utimesSync(join(folder, leftovers.unrelatedDotfile), hourAgo, hourAgo)
    const uploader = new LocalFolderUploader({ destination: root })
    await uploader.upload(file, FOLDER, context())
    expect(tree(folder)).toEqual(
      [
        leftovers.freshOther,
        leftovers.freshSameName,
        leftovers.unrelatedDotfile,
        'a.tar.xz',
        leftovers.notOurs,
      ].sort(),
    )
  })

  it('works without hard links (FAT, some SMB mounts) and still never overwrites', async () => {
    const root = destinationRoot()
    const noLinks = async () => {
      throw errno('EPERM')
    }
    const uploader = new LocalFolderUploader({ destination: root, link: noLinks })
    const first = await uploader.upload(sourceFile('a.tar.xz', 'one'), FOLDER, context())
    const second = await uploader.upload(sourceFile('a.tar.xz', 'two'), FOLDER, context())
    expect(readFileSync(first.remotePath, 'utf8')).toBe('one')
    expect(readFileSync(second.remotePath, 'utf8')).toBe('two')
    expect(second.renamed).toBe(true)
    expect(tree(join(root, 'Fermentrack Backups'))).toEqual(['a (2).tar.xz', 'a.tar.xz'])
  })

  it('steps past a name another writer takes between the look and the claim', async () => {
    const root = destinationRoot()
    let raced = false
    const racing = async (from: string, to: string) => {
      if (!raced) writeFileSync(to, 'intruder')
      raced = true
      await link(from, to)
    }
    const uploader = new LocalFolderUploader({ destination: root, link: racing })
    const result = await uploader.upload(sourceFile('a.tar.xz', 'ours'), FOLDER, context())
    const folder = join(root, 'Fermentrack Backups')
    expect(result).toMatchObject({ remotePath: join(folder, 'a (2).tar.xz'), renamed: true })
    expect(readFileSync(join(folder, 'a.tar.xz'), 'utf8')).toBe('intruder')
    expect(tree(folder)).toEqual(['a (2).tar.xz', 'a.tar.xz'])
  })
})
