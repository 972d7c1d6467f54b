import { chmodSync, rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dropboxTimestamp } from '../../../../src/main/providers/dropbox/commit-info.ts'
import { DropboxUploader } from '../../../../src/main/providers/dropbox/dropbox-uploader.ts'
import { MAX_FILE_BYTES } from '../../../../src/main/providers/dropbox/upload-limits.ts'
import { ContentHasher } from '../../../../src/main/providers/dropbox/content-hash.ts'
import type { SourceFile } from '../../../../src/main/uploads/uploader.ts'
import { isAppError } from '../../../../src/shared/app-error.ts'
import { endpointsOf } from './emulator-account.ts'
import {
  contentTraffic,
  expectStored,
  FOLDER,
  MiB,
  randomData,
  recorder,
  sourceFile,
  startAccount,
  type Account,
} from './uploader-fixture.ts'

let account: Account
beforeAll(async () => (account = await startAccount()))
afterAll(() => account.emulator.close())

const hashOf = (data: Uint8Array) => new ContentHasher().update(data).digest()

async function upload(file: SourceFile, options = {}) {
  const from = account.emulator.requests.length
  const result = await account.uploader(options).upload(file, FOLDER, recorder().context)
  return { result, traffic: contentTraffic(account.emulator, from) }
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  return isAppError(error) ? error.code : `not an AppError: ${String(error)}`
}

describe('DropboxUploader', () => {
  it('uploads a small file in one files/upload and verifies its content_hash', async () => {
    const data = randomData(100_000)
    const file = sourceFile('2026-11-22T10.00.00.tar.xz', data)
    const rec = recorder()
    const from = account.emulator.requests.length
    const result = await account.uploader().upload(file, FOLDER, rec.context)
    expect(result).toEqual({
      remotePath: `${FOLDER}/2026-11-22T10.00.00.tar.xz`,
      checksum: { algorithm: 'dropbox-content-hash', value: hashOf(data) },
      verifiedBy: expect.any(String),
      size: data.length,
      renamed: false,
      alreadyPresent: false,
    })
    expect(contentTraffic(account.emulator, from)).toEqual({
      bytes: data.length,
      upload: 1,
      start: 0,
      append: 0,
      finish: 0,
    })
    expectStored(account.emulator, result.remotePath, data)
    const stored = account.emulator.files().get(result.remotePath.toLowerCase())!
    expect(stored.client_modified).toBe(dropboxTimestamp(file.mtimeMs))
    expect(stored.client_modified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    expect(rec.progress.at(-1)).toBe(data.length)
  })

  it('uploads a 0-byte file with an empty body', async () => {
    const { result, traffic } = await upload(sourceFile('empty.tar.xz', Buffer.alloc(0)))
    expect(result.checksum.value).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    )
    expect(traffic).toMatchObject({ upload: 1, bytes: 0 })
    expectStored(account.emulator, `${FOLDER}/empty.tar.xz`, Buffer.alloc(0))
  })

  it('escapes a unicode + emoji name in Dropbox-API-Arg, which the server reads back intact', async () => {
    const args: string[] = []
    const spy: typeof fetch = (input, init) => {
      const header = new Headers(init?.headers).get('dropbox-api-arg')
      if (header) args.push(header)
      return fetch(input, init)
    }
    const name = 'Brauerei Ünïcødé 🍺 2026.tar.xz'
    const data = randomData(5000)
    const uploader = new DropboxUploader({
      endpoints: endpointsOf(account.emulator),
      tokens: account.tokens,
      fetch: spy,
    })
    const result = await uploader.upload(sourceFile(name, data), FOLDER, recorder().context)
    expect(result.remotePath).toBe(`${FOLDER}/${name}`)
    expectStored(account.emulator, `${FOLDER}/${name}`, data)
    expect(args[0]).toMatch(/^[\x20-\x7e]+$/)
    expect(args[0]).toContain('Brauerei \\u00dcn\\u00efc\\u00f8d\\u00e9 \\ud83c\\udf7a 2026')
  })

  it('stores a 255-character name', async () => {
    const name = `${'b'.repeat(248)}.tar.xz`
    expect(name).toHaveLength(255)
    const data = randomData(10)
    const { result } = await upload(sourceFile(name, data))
    expectStored(account.emulator, result.remotePath, data)
  })

  it('sends exactly 8 MiB in one request, and 8 MiB + 1 through a session', async () => {
    const eight = randomData(8 * MiB)
    const single = await upload(sourceFile('eight.tar.xz', eight))
    expect(single.traffic).toEqual({ bytes: 8 * MiB, upload: 1, start: 0, append: 0, finish: 0 })
    expectStored(account.emulator, `${FOLDER}/eight.tar.xz`, eight)

    const more = randomData(8 * MiB + 1)
    const session = await upload(sourceFile('eight-plus.tar.xz', more))
    expect(session.traffic).toEqual({
      bytes: 8 * MiB + 1,
      upload: 0,
      start: 1,
      append: 1,
      finish: 1,
    })
    expect(session.result.checksum.value).toBe(hashOf(more))
    expectStored(account.emulator, `${FOLDER}/eight-plus.tar.xz`, more)
  })

  it('sends 40 MiB in 8 MiB chunks: 1 start, 4 appends, 1 finish with an empty body', async () => {
    const data = randomData(40 * MiB)
    const rec = recorder()
    const from = account.emulator.requests.length
    await account.uploader().upload(sourceFile('forty.tar.xz', data), FOLDER, rec.context)
    expect(contentTraffic(account.emulator, from)).toEqual({
      bytes: 40 * MiB,
      upload: 0,
      start: 1,
      append: 4,
      finish: 1,
    })
    const finish = account.emulator.requests.filter((r) => r.path.endsWith('/finish')).at(-1)
    expect(finish?.bodyBytes).toBe(0)
    expect(rec.progress).toEqual([8, 16, 24, 32, 40, 40].map((n) => n * MiB))
    expectStored(account.emulator, `${FOLDER}/forty.tar.xz`, data)
  })

  it('sends nothing when an identical file is already there', async () => {
    for (const size of [1000, 9 * MiB]) {
      const data = randomData(size)
      const name = `again-${size}.tar.xz`
      await upload(sourceFile(name, data))
      const { result, traffic } = await upload(sourceFile(name, data))
      expect(result).toMatchObject({ alreadyPresent: true, renamed: false, size })
      expect(traffic).toEqual({ bytes: 0, upload: 0, start: 0, append: 0, finish: 0 })
    }
  })

  it('keeps both when a different file holds the name: "name (2)", then "name (3)"', async () => {
    const name = '2026-11-22T11.00.00.tar.xz'
    await upload(sourceFile(name, randomData(2000)))
    const second = randomData(3000)
    const two = await upload(sourceFile(name, second))
    expect(two.result).toMatchObject({
      remotePath: `${FOLDER}/2026-11-22T11.00.00 (2).tar.xz`,
      renamed: true,
      alreadyPresent: false,
    })
    // The bytes went up once; the commit was retried from the session files/upload left behind.
    expect(two.traffic).toEqual({ bytes: 3000, upload: 1, start: 0, append: 0, finish: 1 })
    expectStored(account.emulator, two.result.remotePath, second)

    const third = randomData(9 * MiB)
    const three = await upload(sourceFile(name, third))
    expect(three.result.remotePath).toBe(`${FOLDER}/2026-11-22T11.00.00 (3).tar.xz`)
    expect(three.traffic).toMatchObject({ bytes: 9 * MiB, start: 1, append: 1, finish: 3 })
    expectStored(account.emulator, three.result.remotePath, third)
  })

  it('serializes commits of parallel uploads to one account', async () => {
    let inFlight = 0
    let most = 0
    const spy: typeof fetch = async (input, init) => {
      const commit = /\/2\/files\/(upload|upload_session\/finish(_batch_v2)?)$/.test(String(input))
      if (commit) most = Math.max(most, ++inFlight)
      try {
        return await fetch(input, init)
      } finally {
        if (commit) inFlight -= 1
      }
    }
    account.emulator.injectFault('/2/files/upload', { kind: 'delay', ms: 50 }, 3)
    account.emulator.injectFault('/2/files/upload_session/finish', { kind: 'delay', ms: 50 }, 2)
    const uploader = account.uploader({ fetch: spy })
    const files = [1, 2, 3, 9 * MiB, 10 * MiB].map((size, i) =>
      sourceFile(`parallel-${i}.tar.xz`, randomData(size)),
    )
    await Promise.all(files.map((file) => uploader.upload(file, FOLDER, recorder().context)))
    expect(most).toBe(1)
  })

  it('refuses a bad chunk size and files past Dropbox’s 2^41 − 2^22 byte limit', async () => {
    expect(() => account.uploader({ chunkSize: 5 * MiB })).toThrow(/multiple of 4 MiB/)
    const huge = { ...sourceFile('huge.tar.xz', Buffer.alloc(1)), size: MAX_FILE_BYTES + 1 }
    expect(await codeOf(account.uploader().upload(huge, FOLDER, recorder().context))).toBe(
      'file_too_large',
    )
  })

  it('reports a missing, unreadable or already changed file before sending anything', async () => {
    const from = account.emulator.requests.length
    const gone = sourceFile('gone.tar.xz', randomData(10))
    rmSync(gone.path)
    expect(await codeOf(account.uploader().upload(gone, FOLDER, recorder().context))).toBe(
      'file_missing',
    )
    const grown = sourceFile('grown.tar.xz', randomData(10))
    expect(
      await codeOf(account.uploader().upload({ ...grown, size: 11 }, FOLDER, recorder().context)),
    ).toBe('file_changed')
    if (process.getuid?.() !== 0) {
      const locked = sourceFile('locked.tar.xz', randomData(10))
      chmodSync(locked.path, 0o000)
      expect(await codeOf(account.uploader().upload(locked, FOLDER, recorder().context))).toBe(
        'permission_denied',
      )
    }
    expect(contentTraffic(account.emulator, from).bytes).toBe(0)
  })
})
