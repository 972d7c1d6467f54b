import {
  appendFileSync,
  mkdtempSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SourceReader } from '../../../src/main/uploads/source-reader.ts'
import { isAppError } from '../../../src/shared/app-error.ts'

function settled(data: Buffer) {
  const path = join(mkdtempSync(join(tmpdir(), 'source-reader-')), 'b.tar.xz')
  writeFileSync(path, data)
  const { size, mtimeMs } = statSync(path)
  return { path, name: 'b.tar.xz', size, mtimeMs }
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (error: unknown) => (isAppError(error) ? error.code : String(error)),
  )
}

describe('SourceReader', () => {
  it('reads exact ranges again and again', async () => {
    const data = Buffer.from('0123456789')
    const reader = await SourceReader.open(settled(data))
    expect((await reader.read(2, 3)).toString()).toBe('234')
    expect((await reader.read(7, 3)).toString()).toBe('789')
    expect((await reader.read(2, 3)).toString()).toBe('234')
    await reader.close()
  })

  it('refuses a read that comes up short or finds bytes past the settled end', async () => {
    const file = settled(Buffer.from('0123456789'))
    const reader = await SourceReader.open(file)
    truncateSync(file.path, 8)
    expect(await codeOf(reader.read(5, 5))).toBe('file_changed')
    appendFileSync(file.path, 'abcdef')
    expect(await codeOf(reader.read(5, 5))).toBe('file_changed')
    await reader.close()
  })

  it('notices a new mtime, a new size and a deleted or replaced file', async () => {
    const file = settled(Buffer.from('0123456789'))
    const reader = await SourceReader.open(file)
    utimesSync(file.path, new Date(), new Date(file.mtimeMs + 5000))
    expect(await codeOf(reader.checkUnchanged())).toBe('file_changed')
    utimesSync(file.path, new Date(), new Date(file.mtimeMs))
    expect(await codeOf(reader.checkUnchanged())).toBeUndefined()
    const replacement = `${file.path}.new`
    writeFileSync(replacement, '0123456789')
    utimesSync(replacement, new Date(), new Date(file.mtimeMs))
    renameSync(replacement, file.path)
    expect(await codeOf(reader.checkUnchanged())).toBe('file_changed')
    rmSync(file.path)
    expect(await codeOf(reader.checkUnchanged())).toBe('file_missing')
    await reader.close()
  })
})
