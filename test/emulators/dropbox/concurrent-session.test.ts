import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contentHashOf } from './content-hash.ts'
import { contentCall, errorOf } from './content-request.ts'
import { startDropboxEmulator, type DropboxEmulator, type FileMetadata } from './index.ts'
import { APP_KEY, REDIRECT_URI, linkAccount } from './link-account.ts'

const START = '/2/files/upload_session/start'
const APPEND = '/2/files/upload_session/append_v2'
const FINISH = '/2/files/upload_session/finish'
const MIB4 = 4 * 1024 * 1024

let emulator: DropboxEmulator
let token: string
beforeAll(async () => {
  emulator = await startDropboxEmulator({ appKey: APP_KEY, redirectUris: [REDIRECT_URI] })
  token = (await linkAccount(emulator)).accessToken
})
afterAll(() => emulator.close())

const call = (path: string, arg: unknown, body: Uint8Array | string = ''): Promise<Response> =>
  contentCall(emulator, path, token, arg, body)

async function startConcurrent(): Promise<string> {
  const response = await call(START, { session_type: 'concurrent' })
  if (response.status !== 200) throw new Error(await response.text())
  return ((await response.json()) as { session_id: string }).session_id
}

const append = (id: string, offset: number, body: Uint8Array, extra = {}): Promise<Response> =>
  call(APPEND, { cursor: { session_id: id, offset }, ...extra }, body)

const finish = (id: string, offset: number, path: string, body: Uint8Array | string = '') =>
  call(FINISH, { cursor: { session_id: id, offset }, commit: { path } }, body)

const tagOf = async (response: Response) =>
  ((await errorOf(response)) as { error: { '.tag': string } }).error['.tag']

describe('concurrent upload sessions', () => {
  it('assembles pieces sent in parallel and out of order into one byte-exact file', async () => {
    const bytes = randomBytes(3 * MIB4 + 1234)
    const piece = (i: number) => bytes.subarray(i * MIB4, Math.min((i + 1) * MIB4, bytes.length))
    const id = await startConcurrent()
    const middle = await Promise.all(
      [2, 0, 1].map((i) =>
        append(id, i * MIB4, piece(i), { content_hash: contentHashOf(piece(i)) }),
      ),
    )
    expect(middle.map((r) => r.status)).toEqual([200, 200, 200])
    expect((await append(id, 3 * MIB4, piece(3), { close: true })).status).toBe(200)
    const done = await finish(id, bytes.length, '/c/whole.bin')
    expect(done.status).toBe(200)
    const metadata = (await done.json()) as FileMetadata
    expect(metadata).toMatchObject({ size: bytes.length, content_hash: contentHashOf(bytes) })
    const stored = emulator.files().get('/c/whole.bin')!
    expect(readFileSync(stored.localPath).equals(bytes)).toBe(true)
  })

  it('refuses data on start: concurrent_session_data_not_allowed', async () => {
    const response = await call(START, { session_type: 'concurrent' }, 'abc')
    expect(await errorOf(response)).toEqual({
      error_summary: expect.stringMatching(/^concurrent_session_data_not_allowed\//),
      error: { '.tag': 'concurrent_session_data_not_allowed' },
    })
  })

  it('refuses close on start: concurrent_session_close_not_allowed', async () => {
    const response = await call(START, { session_type: 'concurrent', close: true })
    expect(await tagOf(response)).toBe('concurrent_session_close_not_allowed')
  })

  it('refuses an offset that is not a multiple of 4 MiB: concurrent_session_invalid_offset', async () => {
    const id = await startConcurrent()
    const response = await append(id, 1000, randomBytes(MIB4))
    expect(await errorOf(response)).toEqual({
      error_summary: expect.stringMatching(/^concurrent_session_invalid_offset\//),
      error: { '.tag': 'concurrent_session_invalid_offset' },
    })
  })

  it('refuses a length that is not a multiple of 4 MiB unless the append closes: concurrent_session_invalid_data_size', async () => {
    const id = await startConcurrent()
    expect(await tagOf(await append(id, 0, randomBytes(MIB4 + 1)))).toBe(
      'concurrent_session_invalid_data_size',
    )
    expect((await append(id, 0, randomBytes(MIB4 + 1), { close: true })).status).toBe(200)
    expect((await finish(id, MIB4 + 1, '/c/short-tail.bin')).status).toBe(200)
  })

  it('refuses a piece overlapping another one, but takes the same piece again', async () => {
    const id = await startConcurrent()
    const first = randomBytes(2 * MIB4)
    expect((await append(id, 0, first)).status).toBe(200)
    expect(await tagOf(await append(id, MIB4, randomBytes(MIB4)))).toBe(
      'concurrent_session_invalid_offset',
    )
    expect((await append(id, 0, first)).status).toBe(200)
    expect((await append(id, 2 * MIB4, Buffer.from('end'), { close: true })).status).toBe(200)
    const done = await finish(id, 2 * MIB4 + 3, '/c/again.bin')
    expect(((await done.json()) as FileMetadata).content_hash).toBe(
      contentHashOf(Buffer.concat([first, Buffer.from('end')])),
    )
  })

  it('refuses data on finish: concurrent_session_data_not_allowed', async () => {
    const id = await startConcurrent()
    expect((await append(id, 0, Buffer.from('abc'), { close: true })).status).toBe(200)
    expect(await tagOf(await finish(id, 3, '/c/data.bin', 'x'))).toBe(
      'concurrent_session_data_not_allowed',
    )
    expect((await finish(id, 3, '/c/data.bin')).status).toBe(200)
  })

  it('refuses to finish an open session: concurrent_session_not_closed', async () => {
    const id = await startConcurrent()
    expect((await append(id, 0, randomBytes(MIB4))).status).toBe(200)
    expect(await tagOf(await finish(id, MIB4, '/c/open.bin'))).toBe('concurrent_session_not_closed')
  })

  it('refuses to finish with a piece missing: concurrent_session_missing_data', async () => {
    const id = await startConcurrent()
    expect((await append(id, MIB4, Buffer.from('tail'), { close: true })).status).toBe(200)
    expect(await tagOf(await finish(id, MIB4 + 4, '/c/gap.bin'))).toBe(
      'concurrent_session_missing_data',
    )
    expect(emulator.files().has('/c/gap.bin')).toBe(false)
  })

  it('answers closed to an append after the closing one', async () => {
    const id = await startConcurrent()
    expect((await append(id, MIB4, Buffer.from('tail'), { close: true })).status).toBe(200)
    expect(await tagOf(await append(id, 0, randomBytes(MIB4)))).toBe('closed')
  })

  it('answers incorrect_offset when finish names another end than the closing append made', async () => {
    const id = await startConcurrent()
    expect((await append(id, 0, Buffer.from('abcd'), { close: true })).status).toBe(200)
    expect(await errorOf(await finish(id, 3, '/c/offset.bin'))).toMatchObject({
      error: {
        '.tag': 'lookup_failed',
        lookup_failed: { '.tag': 'incorrect_offset', correct_offset: 4 },
      },
    })
  })

  it('refuses a damaged piece (content_hash_mismatch) and keeps nothing of it', async () => {
    const id = await startConcurrent()
    const bytes = randomBytes(MIB4)
    const damaged = await append(id, 0, bytes, { content_hash: contentHashOf(randomBytes(8)) })
    expect(await tagOf(damaged)).toBe('content_hash_mismatch')
    expect((await append(id, MIB4, Buffer.from('z'), { close: true })).status).toBe(200)
    expect(await tagOf(await finish(id, MIB4 + 1, '/c/damaged.bin'))).toBe(
      'concurrent_session_missing_data',
    )
  })

  it('records each append argument and how many were open at once', async () => {
    const id = await startConcurrent()
    const before = emulator.requests.length
    emulator.injectFault(APPEND, { kind: 'delay', ms: 300 })
    await Promise.all([0, 1, 2].map((i) => append(id, i * MIB4, randomBytes(MIB4))))
    const offsets = emulator.requests
      .slice(before)
      .map((r) => (r.arg as { cursor: { offset: number } }).cursor.offset)
    expect(offsets.sort()).toEqual([0, MIB4, 2 * MIB4])
    expect(emulator.peakInFlight(APPEND)).toBeGreaterThanOrEqual(2)
  })
})
