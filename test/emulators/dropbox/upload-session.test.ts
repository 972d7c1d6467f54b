import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contentHashOf } from './content-hash.ts'
import { contentCall, errorOf } from './content-request.ts'
import { startDropboxEmulator, type DropboxEmulator, type FileMetadata } from './index.ts'
import { APP_KEY, REDIRECT_URI, linkAccount } from './link-account.ts'

const START = '/2/files/upload_session/start'
const APPEND = '/2/files/upload_session/append_v2'
const FINISH = '/2/files/upload_session/finish'
const DAY = 24 * 60 * 60 * 1000

let emulator: DropboxEmulator
let token: string
let clock = Date.now()
beforeAll(async () => {
  emulator = await startDropboxEmulator({
    appKey: APP_KEY,
    redirectUris: [REDIRECT_URI],
    now: () => clock,
  })
  token = (await linkAccount(emulator)).accessToken
})
afterAll(() => emulator.close())

const call = (path: string, arg: unknown, body: Uint8Array | string = ''): Promise<Response> =>
  contentCall(emulator, path, token, arg, body)

async function start(
  body: Uint8Array | string = '',
  arg: Record<string, unknown> = {},
): Promise<string> {
  const response = await call(START, arg, body)
  if (response.status !== 200) throw new Error(await response.text())
  return ((await response.json()) as { session_id: string }).session_id
}

const append = (
  sessionId: string,
  offset: number,
  body: Uint8Array | string,
  extra = {},
): Promise<Response> => call(APPEND, { cursor: { session_id: sessionId, offset }, ...extra }, body)

const finish = (
  sessionId: string,
  offset: number,
  path: string,
  body: Uint8Array | string = '',
): Promise<Response> =>
  call(FINISH, { cursor: { session_id: sessionId, offset }, commit: { path } }, body)

describe('upload sessions', () => {
  it('assembles start + append_v2 + finish into one file, checking each request hash', async () => {
    const parts = [randomBytes(5000), randomBytes(7000), randomBytes(3000)]
    const [a, b, c] = parts as [Buffer, Buffer, Buffer]
    const id = await start(a, { content_hash: contentHashOf(a) })
    const appended = await append(id, 5000, b, { content_hash: contentHashOf(b) })
    expect(appended.status).toBe(200)
    expect(await appended.text()).toBe('null')
    const done = await call(
      FINISH,
      {
        cursor: { session_id: id, offset: 12000 },
        commit: { path: '/s/whole.bin' },
        content_hash: contentHashOf(c),
      },
      c,
    )
    expect(done.status).toBe(200)
    const metadata = (await done.json()) as FileMetadata
    expect(metadata.size).toBe(15000)
    expect(metadata.content_hash).toBe(contentHashOf(Buffer.concat(parts)))
  })

  it('answers incorrect_offset with the offset the server holds', async () => {
    const id = await start('12345')
    expect(await errorOf(await append(id, 3, 'x'))).toEqual({
      error_summary: 'incorrect_offset/..',
      error: { '.tag': 'incorrect_offset', correct_offset: 5 },
    })
    expect(await errorOf(await finish(id, 9, '/s/offset.txt'))).toEqual({
      error_summary: 'lookup_failed/incorrect_offset/..',
      error: {
        '.tag': 'lookup_failed',
        lookup_failed: { '.tag': 'incorrect_offset', correct_offset: 5 },
      },
    })
  })

  it('answers not_found for unknown sessions and for sessions older than 7 days', async () => {
    expect(await errorOf(await append('pid_upload_session:nope', 0, 'x'))).toMatchObject({
      error: { '.tag': 'not_found' },
    })
    expect(await errorOf(await finish('pid_upload_session:nope', 0, '/s/x'))).toMatchObject({
      error: { '.tag': 'lookup_failed', lookup_failed: { '.tag': 'not_found' } },
    })
    const id = await start('old')
    clock += 7 * DAY
    token = (await linkAccount(emulator)).accessToken
    expect(await errorOf(await append(id, 3, 'x'))).toMatchObject({
      error: { '.tag': 'not_found' },
    })
  })

  it('refuses appends to a closed session but still finishes it', async () => {
    const id = await start('abc', { close: true })
    expect(await errorOf(await append(id, 3, 'x'))).toMatchObject({ error: { '.tag': 'closed' } })
    expect((await finish(id, 3, '/s/closed.txt')).status).toBe(200)
    expect(await errorOf(await append(id, 3, 'x'))).toMatchObject({ error: { '.tag': 'closed' } })
    expect(await errorOf(await finish(id, 3, '/s/closed.txt'))).toMatchObject({
      error: { lookup_failed: { '.tag': 'not_found' } },
    })
  })

  it('rejects a request whose content_hash mismatches and keeps the offset', async () => {
    const id = await start('abc')
    const bad = await append(id, 3, 'def', { content_hash: contentHashOf(Buffer.from('xyz')) })
    expect(await errorOf(bad)).toMatchObject({ error: { '.tag': 'content_hash_mismatch' } })
    expect((await append(id, 3, 'def')).status).toBe(200)
    const done = (await (await finish(id, 6, '/s/hash.txt')).json()) as FileMetadata
    expect(done.content_hash).toBe(contentHashOf(Buffer.from('abcdef')))
  })

  it('commits a dropped append, so the retry learns correct_offset', async () => {
    const id = await start('abc')
    emulator.injectFault(APPEND, { kind: 'drop_response' })
    await expect(append(id, 3, 'def')).rejects.toThrow()
    expect(await errorOf(await append(id, 3, 'def'))).toMatchObject({
      error: { '.tag': 'incorrect_offset', correct_offset: 6 },
    })
    const done = (await (await finish(id, 6, '/s/dropped.txt', 'g')).json()) as FileMetadata
    expect(done.content_hash).toBe(contentHashOf(Buffer.from('abcdefg')))
  })

  it('applies nothing from an append reset mid-body', async () => {
    const id = await start('abc')
    emulator.injectFault(APPEND, { kind: 'reset_mid_body' })
    await expect(append(id, 3, new Uint8Array(2 * 1024 * 1024))).rejects.toThrow()
    expect((await append(id, 3, 'd')).status).toBe(200)
  })

  it('collects the finish bytes before a failed commit; the retry sends none', async () => {
    const id = await start('abc')
    emulator.injectFault(FINISH, { kind: 'insufficient_space' })
    expect(await errorOf(await finish(id, 3, '/s/space.txt', 'de'))).toEqual({
      error_summary: 'path/insufficient_space/..',
      error: { '.tag': 'path', path: { '.tag': 'insufficient_space' } },
    })
    emulator.injectFault(FINISH, { kind: 'too_many_write_operations' })
    expect(await errorOf(await finish(id, 5, '/s/space.txt'))).toEqual({
      error_summary: 'too_many_write_operations/..',
      error: { '.tag': 'too_many_write_operations' },
    })
    const done = (await (await finish(id, 5, '/s/space.txt')).json()) as FileMetadata
    expect(done.size).toBe(5)
  })

  it('answers path errors from finish under "path"', async () => {
    const id = await start('abc')
    expect(await errorOf(await finish(id, 3, '/s/bad/'))).toMatchObject({
      error: { '.tag': 'path', path: { '.tag': 'malformed_path' } },
    })
  })

  it('serialises requests on one session', async () => {
    const id = await start('')
    const results = await Promise.all([append(id, 0, 'aaa'), append(id, 0, 'bbb')])
    expect(results.map((response) => response.status).sort()).toEqual([200, 409])
    expect((await finish(id, 3, '/s/race.txt')).status).toBe(200)
  })
})
