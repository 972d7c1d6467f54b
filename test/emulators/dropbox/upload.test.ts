import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contentHashOf } from './content-hash.ts'
import { contentCall, errorOf, rawPost } from './content-request.ts'
import { startDropboxEmulator, type DropboxEmulator, type FileMetadata } from './index.ts'
import { APP_KEY, REDIRECT_URI, linkAccount } from './link-account.ts'

const UPLOAD = '/2/files/upload'
const FINISH = '/2/files/upload_session/finish'

let emulator: DropboxEmulator
let token: string
beforeAll(async () => {
  emulator = await startDropboxEmulator({ appKey: APP_KEY, redirectUris: [REDIRECT_URI] })
  token = (await linkAccount(emulator)).accessToken
})
afterAll(() => emulator.close())

function upload(arg: Record<string, unknown>, body: string | Uint8Array): Promise<Response> {
  return contentCall(emulator, UPLOAD, token, arg, body)
}

async function uploaded(
  arg: Record<string, unknown>,
  body: string | Uint8Array,
): Promise<FileMetadata> {
  const response = await upload(arg, body)
  if (response.status !== 200) throw new Error(`${response.status}: ${await response.text()}`)
  return (await response.json()) as FileMetadata
}

async function badRequest(response: Response): Promise<string> {
  expect(response.status).toBe(400)
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/)
  return response.text()
}

describe('POST /2/files/upload', () => {
  it('stores the bytes and answers FileMetadata with the whole-file content_hash', async () => {
    const metadata = await uploaded(
      { path: '/Backups/Brew.tar.xz', mode: 'add', client_modified: '2026-01-02T03:04:05Z' },
      'hello world',
    )
    expect(metadata).toMatchObject({
      '.tag': 'file',
      name: 'Brew.tar.xz',
      path_lower: '/backups/brew.tar.xz',
      path_display: '/Backups/Brew.tar.xz',
      size: 11,
      client_modified: '2026-01-02T03:04:05Z',
      content_hash: 'bc62d4b80d9e36da29c16c5d4d9f11731f36052c72401a76c23c0fb5a9b74423',
      is_downloadable: true,
    })
    expect(metadata.id).toMatch(/^id:/)
    expect(metadata.rev).toMatch(/^[0-9a-f]{9,}$/)
    expect(metadata.server_modified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    const stored = emulator.files().get('/backups/brew.tar.xz')
    expect(await readFile(stored?.localPath ?? '', 'utf8')).toBe('hello world')
  })

  it('rejects raw non-ASCII bytes in Dropbox-API-Arg and accepts the \\u-escaped form', async () => {
    const arg = JSON.stringify({ path: '/Fotos/Ünïcødé 😀.txt' })
    const raw = await rawPost(
      `${emulator.url}${UPLOAD}`,
      {
        authorization: `Bearer ${token}`,
        'content-type': 'application/octet-stream',
        'dropbox-api-arg': Buffer.from(arg, 'utf8').toString('latin1'),
      },
      'x',
    )
    expect(raw.status).toBe(400)
    expect(raw.text).toMatch(
      /^Error in call to API function "files\/upload": HTTP header "Dropbox-API-Arg"/,
    )
    const escaped = await uploaded({ path: '/Fotos/Ünïcødé 😀.txt' }, 'x')
    expect(escaped.name).toBe('Ünïcødé 😀.txt')
  })

  it.each([
    ['application/json', 'application/json'],
    ['text/plain', 'text/plain; charset=utf-8'],
  ])('requires application/octet-stream, not %s', async (_label, type) => {
    const response = await contentCall(emulator, UPLOAD, token, { path: '/ct.txt' }, 'x', type)
    await badRequest(response)
  })

  it('requires the Dropbox-API-Arg header', async () => {
    const response = await fetch(`${emulator.url}${UPLOAD}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: 'x',
    })
    expect(await badRequest(response)).toContain('Dropbox-API-Arg')
  })

  it.each([
    [
      'fractional seconds in client_modified',
      { path: '/t.txt', client_modified: '2026-01-02T03:04:05.123Z' },
    ],
    [
      'an offset in client_modified',
      { path: '/t.txt', client_modified: '2026-01-02T03:04:05+00:00' },
    ],
    ['an impossible date', { path: '/t.txt', client_modified: '2026-13-02T03:04:05Z' }],
    ['an unknown field', { path: '/t.txt', autoRename: true }],
    ['the "update" shorthand without a rev', { path: '/t.txt', mode: 'update' }],
    ['a path without a leading slash', { path: 't.txt' }],
    ['a non-boolean autorename', { path: '/t.txt', autorename: 'yes' }],
    ['a content_hash of the wrong length', { path: '/t.txt', content_hash: 'abc' }],
  ])('answers 400 text for %s', async (_label, arg) => {
    expect(await badRequest(await upload(arg, 'x'))).toMatch(
      /^Error in call to API function "files\/upload": /,
    )
  })

  it.each([
    ['a trailing slash', '/folder/', 'malformed_path'],
    ['an empty component', '/a//b.txt', 'malformed_path'],
    ['trailing whitespace', '/name.txt ', 'malformed_path'],
    ['a refused name', '/sub/desktop.ini', 'disallowed_name'],
  ])('answers 409 path/%s with the upload_session_id', async (_label, path, tag) => {
    const error = await errorOf(await upload({ path }, 'x'))
    expect(error).toMatchObject({
      error_summary: `path/${tag}/..`,
      error: { '.tag': 'path', reason: { '.tag': tag }, upload_session_id: expect.any(String) },
    })
  })

  it('succeeds without writing when identical content is already at the path', async () => {
    const first = await uploaded({ path: '/same.txt' }, 'same')
    const second = await uploaded(
      { path: '/SAME.txt', client_modified: '2020-01-01T00:00:00Z' },
      'same',
    )
    expect(second).toEqual(first)
  })

  it('conflicts on different content in add mode; the session id salvages the commit', async () => {
    await uploaded({ path: '/conflict.txt' }, 'one')
    const error = await errorOf(await upload({ path: '/Conflict.TXT' }, 'two!'))
    expect(error).toMatchObject({
      error_summary: 'path/conflict/file/..',
      error: { '.tag': 'path', reason: { '.tag': 'conflict', conflict: { '.tag': 'file' } } },
    })
    const sessionId = (error.error as { upload_session_id: string }).upload_session_id
    const salvaged = await contentCall(emulator, FINISH, token, {
      cursor: { session_id: sessionId, offset: 4 },
      commit: { path: '/conflict-salvaged.txt' },
    })
    expect(salvaged.status).toBe(200)
    expect(((await salvaged.json()) as FileMetadata).content_hash).toBe(
      contentHashOf(Buffer.from('two!')),
    )
  })

  it('strict_conflict conflicts even on identical content', async () => {
    await uploaded({ path: '/strict.txt' }, 'same')
    const error = await errorOf(
      await upload({ path: '/strict.txt', strict_conflict: true }, 'same'),
    )
    expect(error).toMatchObject({ error: { reason: { '.tag': 'conflict' } } })
  })

  it('autorenames with a number before the last extension', async () => {
    await uploaded({ path: '/auto/a.tar.xz' }, 'v1')
    expect((await uploaded({ path: '/auto/a.tar.xz', autorename: true }, 'v2')).name).toBe(
      'a.tar (2).xz',
    )
    expect((await uploaded({ path: '/auto/a.tar.xz', autorename: true }, 'v3')).name).toBe(
      'a.tar (3).xz',
    )
    await uploaded({ path: '/auto/README' }, 'v1')
    expect((await uploaded({ path: '/auto/README', autorename: true }, 'v2')).name).toBe(
      'README (2)',
    )
  })

  it('overwrites in overwrite mode and honours the rev in update mode', async () => {
    const first = await uploaded({ path: '/modes.txt' }, 'one')
    const second = await uploaded({ path: '/modes.txt', mode: 'overwrite' }, 'two')
    expect(second.id).toBe(first.id)
    expect(second.rev).not.toBe(first.rev)
    const stale = { path: '/modes.txt', mode: { '.tag': 'update', update: first.rev } }
    expect(await errorOf(await upload(stale, 'three'))).toMatchObject({
      error: { reason: { '.tag': 'conflict' } },
    })
    expect((await uploaded({ ...stale, autorename: true }, 'three')).name).toBe(
      'modes (conflicted copy).txt',
    )
    const current = await uploaded(
      { path: '/modes.txt', mode: { '.tag': 'update', update: second.rev } },
      'four',
    )
    expect(current.size).toBe(4)
  })

  it('conflicts with a folder at the path and with a file where a folder is needed', async () => {
    await uploaded({ path: '/tree/leaf.txt' }, 'x')
    expect(await errorOf(await upload({ path: '/TREE' }, 'x'))).toMatchObject({
      error: { reason: { '.tag': 'conflict', conflict: { '.tag': 'folder' } } },
    })
    expect(await errorOf(await upload({ path: '/tree/leaf.txt/child' }, 'x'))).toMatchObject({
      error: { reason: { '.tag': 'conflict', conflict: { '.tag': 'file_ancestor' } } },
    })
  })

  it('checks the per-request content_hash', async () => {
    const wrong = await upload(
      { path: '/hashed.txt', content_hash: contentHashOf(Buffer.from('other')) },
      'data',
    )
    expect(await errorOf(wrong)).toEqual({
      error_summary: 'content_hash_mismatch/..',
      error: { '.tag': 'content_hash_mismatch' },
    })
    expect(emulator.files().has('/hashed.txt')).toBe(false)
    await uploaded(
      { path: '/hashed.txt', content_hash: contentHashOf(Buffer.from('data')) },
      'data',
    )
  })

  it('answers payload_too_large past 150 MiB', async () => {
    const response = await upload({ path: '/huge.bin' }, new Uint8Array(150 * 1024 * 1024 + 1))
    expect(await errorOf(response)).toMatchObject({ error: { '.tag': 'payload_too_large' } })
  })

  it('turns injected write faults into WriteError reasons and 429s', async () => {
    emulator.injectFault(UPLOAD, { kind: 'insufficient_space' })
    expect(await errorOf(await upload({ path: '/f1.txt' }, 'x'))).toMatchObject({
      error_summary: 'path/insufficient_space/..',
      error: {
        '.tag': 'path',
        reason: { '.tag': 'insufficient_space' },
        upload_session_id: expect.any(String),
      },
    })
    emulator.injectFault(UPLOAD, { kind: 'too_many_write_operations' })
    expect(await errorOf(await upload({ path: '/f1.txt' }, 'x'))).toMatchObject({
      error: { '.tag': 'path', reason: { '.tag': 'too_many_write_operations' } },
    })
    emulator.injectFault(UPLOAD, {
      kind: 'rate_limit',
      retryAfter: 3,
      body: 'json',
      reason: 'too_many_write_operations',
    })
    expect((await upload({ path: '/f1.txt' }, 'x')).status).toBe(429)
    await uploaded({ path: '/f1.txt' }, 'x')
  })

  it('applies a dropped upload and applies nothing from a reset one', async () => {
    emulator.injectFault(UPLOAD, { kind: 'drop_response' })
    await expect(upload({ path: '/dropped.txt' }, 'x')).rejects.toThrow()
    expect(emulator.files().has('/dropped.txt')).toBe(true)
    emulator.injectFault(UPLOAD, { kind: 'reset_mid_body' })
    await expect(upload({ path: '/reset.txt' }, new Uint8Array(1024 * 1024))).rejects.toThrow()
    expect(emulator.files().has('/reset.txt')).toBe(false)
  })
})

describe('quota and scope', () => {
  it('needs files.content.write', async () => {
    const linked = await linkAccount(emulator, { scope: 'account_info.read' })
    const response = await contentCall(
      emulator,
      UPLOAD,
      linked.accessToken,
      { path: '/scoped.txt' },
      'x',
    )
    expect(await errorOf(response, 401)).toMatchObject({
      error: { '.tag': 'missing_scope', required_scope: 'files.content.write' },
    })
  })
  it('refuses a commit beyond the allocation with insufficient_space', async () => {
    const small = await startDropboxEmulator({
      appKey: APP_KEY,
      redirectUris: [REDIRECT_URI],
      quotaBytes: 10,
    })
    try {
      const { accessToken } = await linkAccount(small)
      const ok = await contentCall(small, UPLOAD, accessToken, { path: '/a' }, '123456')
      expect(ok.status).toBe(200)
      const full = await contentCall(small, UPLOAD, accessToken, { path: '/b' }, '12345')
      expect(await errorOf(full)).toMatchObject({
        error: { reason: { '.tag': 'insufficient_space' } },
      })
      const replace = await contentCall(
        small,
        UPLOAD,
        accessToken,
        { path: '/a', mode: 'overwrite' },
        '1234567890',
      )
      expect(replace.status).toBe(200)
    } finally {
      await small.close()
    }
  })
})
