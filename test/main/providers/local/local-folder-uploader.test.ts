import { randomBytes } from 'node:crypto'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { LocalFolderUploader } from '../../../../src/main/providers/local/local-folder-uploader.ts'
import { sha256File as hashFile } from '../../../../src/main/uploads/file-sha256.ts'
import { context, destinationRoot, removeTempDirs, sourceFile, tree } from './local-harness.ts'

afterAll(removeTempDirs)

const FOLDER = '/Fermentrack Backups'
const MiB = 1024 * 1024

async function copyAndCheck(name: string, data: string | Buffer, remoteFolder = FOLDER) {
  const root = destinationRoot()
  const file = sourceFile(name, data)
  const ctx = context()
  const result = await new LocalFolderUploader({ destination: root }).upload(
    file,
    remoteFolder,
    ctx,
  )
  const expectedPath = join(root, ...remoteFolder.split('/').filter(Boolean), name)
  expect(result).toEqual({
    remotePath: expectedPath,
    checksum: { algorithm: 'sha256', value: await hashFile(file.path) },
    verifiedBy: expect.any(String),
    size: file.size,
    renamed: false,
    alreadyPresent: false,
  })
  expect(readFileSync(expectedPath).equals(readFileSync(file.path))).toBe(true)
  return { root, file, result, ctx }
}

describe('LocalFolderUploader: copies', () => {
  it('copies a small backup byte for byte into <destination>/<remote folder>/<name>', async () => {
    const { root, ctx, file } = await copyAndCheck('2026-11-22T10.00.00.tar.xz', 'fermentrack data')
    expect(tree(root)).toEqual([
      'Fermentrack Backups',
      'Fermentrack Backups/2026-11-22T10.00.00.tar.xz',
    ])
    expect(ctx.progress.at(-1)).toBe(file.size)
  })

  it('gives the copy the mode any new file there gets, not executable', async () => {
    const { root, result } = await copyAndCheck('a.tar.xz', 'x')
    const reference = join(root, 'reference')
    writeFileSync(reference, 'x')
    const mode = statSync(result.remotePath).mode & 0o777
    expect(mode).toBe(statSync(reference).mode & 0o777)
    expect(mode & 0o111).toBe(0)
  })

  it('copies a 0-byte file', async () => {
    const { result } = await copyAndCheck('empty.tar.xz', '')
    expect(statSync(result.remotePath).size).toBe(0)
  })

  it('copies a file with a unicode and emoji name', async () => {
    await copyAndCheck('Brauerei – Hefeweizen 🍺 größe.tar.xz', 'prost')
  })

  it('copies a file with a 255-character name', async () => {
    await copyAndCheck(`${'a'.repeat(248)}.tar.xz`, 'long')
  })

  it('creates nested remote folders below the root, and copies to the root itself', async () => {
    await copyAndCheck('a.zip', 'x', '/Apps/Fermentrack/Brewhouse 1/')
    await copyAndCheck('b.zip', 'x', '/')
  })

  it('copies a 64 MiB file with steady progress', async () => {
    const data = randomBytes(64 * MiB)
    const { ctx } = await copyAndCheck('big.tar.xz', data)
    expect(ctx.progress.length).toBeGreaterThanOrEqual(64)
    expect(ctx.progress).toEqual([...ctx.progress].sort((a, b) => a - b))
    expect(ctx.progress.at(-1)).toBe(64 * MiB)
  })
})

describe('LocalFolderUploader: names already taken', () => {
  it('writes nothing when the same content is already there', async () => {
    const root = destinationRoot()
    const uploader = new LocalFolderUploader({ destination: root })
    const file = sourceFile('a.tar.xz', 'same bytes')
    const first = await uploader.upload(file, FOLDER, context())
    const before = statSync(first.remotePath)
    const ctx = context()
    const again = await uploader.upload(file, FOLDER, ctx)
    expect(again).toEqual({ ...first, alreadyPresent: true })
    expect(statSync(again.remotePath).mtimeMs).toBe(before.mtimeMs)
    expect(statSync(again.remotePath).ino).toBe(before.ino)
    expect(tree(root)).toEqual(['Fermentrack Backups', 'Fermentrack Backups/a.tar.xz'])
    expect(ctx.progress).toEqual([file.size])
  })

  it('keeps both when different content holds the name: "(2)", then "(3)"', async () => {
    const root = destinationRoot()
    const uploader = new LocalFolderUploader({ destination: root })
    const folder = join(root, 'Fermentrack Backups')
    await uploader.upload(sourceFile('a.tar.xz', 'original'), FOLDER, context())
    // Same size, different bytes: only the hash can tell them apart.
    const second = await uploader.upload(sourceFile('a.tar.xz', 'ORIGINAL'), FOLDER, context())
    expect(second).toMatchObject({ remotePath: join(folder, 'a (2).tar.xz'), renamed: true })
    const thirdFile = sourceFile('a.tar.xz', 'third version')
    const third = await uploader.upload(thirdFile, FOLDER, context())
    expect(third).toMatchObject({ remotePath: join(folder, 'a (3).tar.xz'), renamed: true })
    expect(readFileSync(join(folder, 'a.tar.xz'), 'utf8')).toBe('original')
    expect(readFileSync(join(folder, 'a (2).tar.xz'), 'utf8')).toBe('ORIGINAL')
    expect(readFileSync(join(folder, 'a (3).tar.xz'), 'utf8')).toBe('third version')
    // A retry of the third (say after a crash) finds its own copy instead of making a "(4)".
    const retry = await uploader.upload(thirdFile, FOLDER, context())
    expect(retry).toEqual({ ...third, alreadyPresent: true })
    expect(tree(folder)).toEqual(['a (2).tar.xz', 'a (3).tar.xz', 'a.tar.xz'])
  })

  it('shortens a 255-character name so its "(2)" copy still fits', async () => {
    const root = destinationRoot()
    const uploader = new LocalFolderUploader({ destination: root })
    const name = `${'b'.repeat(248)}.tar.xz`
    await uploader.upload(sourceFile(name, 'one'), FOLDER, context())
    const second = await uploader.upload(sourceFile(name, 'two'), FOLDER, context())
    const copy = second.remotePath.slice(join(root, 'Fermentrack Backups').length + 1)
    expect(copy).toMatch(/^b+ \(2\)\.tar\.xz$/)
    expect(Buffer.byteLength(copy)).toBeLessThanOrEqual(255)
    expect(readFileSync(second.remotePath, 'utf8')).toBe('two')
  })
})
