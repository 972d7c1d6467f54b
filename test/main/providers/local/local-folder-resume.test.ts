import { randomBytes } from 'node:crypto'
import {
  appendFileSync,
  closeSync,
  openSync,
  readFileSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { usableCopyResume } from '../../../../src/main/providers/local/copy-resume.ts'
import { tempName, tempPrefix } from '../../../../src/main/providers/local/file-names.ts'
import { LocalFolderUploader } from '../../../../src/main/providers/local/local-folder-uploader.ts'
import { CHECKPOINT_BYTES } from '../../../../src/main/providers/local/temp-copy.ts'
import { isAppError } from '../../../../src/shared/app-error.ts'
import { context, destinationRoot, removeTempDirs, sourceFile, tree } from './local-harness.ts'

afterAll(removeTempDirs)

const FOLDER = '/Fermentrack Backups'
const MiB = 1024 * 1024
const SIZE = CHECKPOINT_BYTES + 8 * MiB + 5

interface Saved {
  kind: string
  temp: string
  offset: number
}

/** A copy paused just after its first resume point: the state saved and the temp file left. */
async function pausedCopy() {
  const root = destinationRoot()
  const folder = join(root, 'Fermentrack Backups')
  const file = sourceFile('big.tar.xz', randomBytes(SIZE))
  const first = context((bytes) => bytes >= CHECKPOINT_BYTES + 2 * MiB && first.abort())
  const uploader = new LocalFolderUploader({ destination: root })
  const error = await uploader.upload(file, FOLDER, first).catch((e: unknown) => e)
  expect((error as Error).name).toBe('AbortError')
  const saved = first.saved.at(-1) as Saved
  return { root, folder, file, uploader, saved, temp: join(folder, saved.temp) }
}

function codeOf(error: unknown): unknown {
  return isAppError(error) ? error.code : error
}

describe('LocalFolderUploader: resuming an interrupted copy', () => {
  it('a paused copy keeps its synced part, and the next attempt continues that same file', async () => {
    const { folder, file, uploader, saved, temp } = await pausedCopy()
    expect(saved).toEqual({
      kind: 'local-copy',
      temp: expect.stringMatching(/^\.big\.tar\.xz\.ftb-[0-9a-f]{12}\.part$/),
      offset: CHECKPOINT_BYTES,
      size: file.size,
      mtimeMs: file.mtimeMs,
    })
    expect(tree(folder)).toEqual([saved.temp])
    const { ino, birthtimeMs } = statSync(temp)

    const result = await uploader.upload(file, FOLDER, context(undefined, saved))

    expect(result.remotePath).toBe(join(folder, 'big.tar.xz'))
    expect(tree(folder)).toEqual(['big.tar.xz'])
    expect(readFileSync(result.remotePath).equals(readFileSync(file.path))).toBe(true)
    // The placed file is the temp file continued, not a second copy written from byte 0 (the
    // birth time too: a file system may give a new file the inode just freed).
    const placed = statSync(result.remotePath)
    expect([placed.ino, placed.birthtimeMs]).toEqual([ino, birthtimeMs])
  })

  it('does not write the synced part again: damage in it is caught by the read-back', async () => {
    const { folder, file, uploader, saved, temp } = await pausedCopy()
    const fd = openSync(temp, 'r+')
    writeSync(fd, Buffer.from('damaged'), 0, 7, MiB)
    closeSync(fd)

    const error = await uploader
      .upload(file, FOLDER, context(undefined, saved))
      .catch((e: unknown) => e)

    expect(codeOf(error)).toBe('verification_failed')
    expect(tree(folder)).toEqual([])
    // The queue retries with the same resume point; its temp is gone, so the copy starts over.
    const retried = await uploader.upload(file, FOLDER, context(undefined, saved))
    expect(readFileSync(retried.remotePath).equals(readFileSync(file.path))).toBe(true)
  })

  it('starts over when the resume point is for another version of the file, removing its temp', async () => {
    const { folder, file, uploader, saved } = await pausedCopy()
    const result = await uploader.upload(
      file,
      FOLDER,
      context(undefined, { ...saved, mtimeMs: file.mtimeMs - 1000 }),
    )
    expect(tree(folder)).toEqual(['big.tar.xz'])
    expect(readFileSync(result.remotePath).equals(readFileSync(file.path))).toBe(true)
  })

  it('starts over when the temp file is shorter than its resume point', async () => {
    const { folder, file, uploader, saved, temp } = await pausedCopy()
    truncateSync(temp, MiB)
    const result = await uploader.upload(file, FOLDER, context(undefined, saved))
    expect(tree(folder)).toEqual(['big.tar.xz'])
    expect(readFileSync(result.remotePath).equals(readFileSync(file.path))).toBe(true)
  })

  it('removes the temp file when the attempt fails in a way no retry continues', async () => {
    const root = destinationRoot()
    const file = sourceFile('big.tar.xz', randomBytes(SIZE))
    const ctx = context((bytes) => {
      if (bytes === CHECKPOINT_BYTES + MiB) appendFileSync(file.path, 'more')
    })
    const error = await new LocalFolderUploader({ destination: root })
      .upload(file, FOLDER, ctx)
      .catch((e: unknown) => e)
    expect(codeOf(error)).toBe('file_changed')
    expect(ctx.saved).toHaveLength(1)
    expect(tree(root)).toEqual(['Fermentrack Backups'])
  })
})

describe('usableCopyResume', () => {
  const file = { path: '/b/big.tar.xz', name: 'big.tar.xz', size: 100, mtimeMs: 5 }
  const temp = tempName(file)
  const good = {
    kind: 'local-copy',
    temp,
    offset: 50,
    size: 100,
    mtimeMs: 5,
  }

  it('takes a well-formed point for this file version', () => {
    expect(usableCopyResume(good, file)).toEqual(good)
  })

  it.each([
    ['no state', undefined],
    ['a Dropbox session', { ...good, kind: 'dropbox-upload-session' }],
    ['a path instead of a name', { ...good, temp: `../${temp}` }],
    ["another file's temp", { ...good, temp: tempName({ ...file, name: 'other.tar.xz' }) }],
    [
      "a same-named file's from another folder",
      { ...good, temp: tempName({ ...file, path: '/c/big.tar.xz' }) },
    ],
    ['a name with the wrong tail', { ...good, temp: `${tempPrefix(file)}0123456789ab.part` }],
    ['another size', { ...good, size: 101 }],
    ['an offset past the end', { ...good, offset: 101 }],
    ['a negative offset', { ...good, offset: -1 }],
    ['a fractional offset', { ...good, offset: 1.5 }],
  ])('refuses %s', (_label, state) => {
    expect(usableCopyResume(state, file)).toBeUndefined()
  })
})
