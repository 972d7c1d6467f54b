import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contentCall, errorOf } from './content-request.ts'
import { startDropboxEmulator, type DropboxEmulator, type FileMetadata } from './index.ts'
import { APP_KEY, REDIRECT_URI, json, linkAccount, rpc } from './link-account.ts'

let emulator: DropboxEmulator
let token: string
let brew: FileMetadata
beforeAll(async () => {
  emulator = await startDropboxEmulator({ appKey: APP_KEY, redirectUris: [REDIRECT_URI] })
  token = (await linkAccount(emulator)).accessToken
  for (const name of ['a', 'b', 'c', 'd', 'e']) {
    await contentCall(emulator, '/2/files/upload', token, { path: `/Many/${name}.txt` }, name)
  }
  const response = await contentCall(
    emulator,
    '/2/files/upload',
    token,
    { path: '/Backups/Brew.tar.xz' },
    'brew',
  )
  brew = (await response.json()) as FileMetadata
})
afterAll(() => emulator.close())

const call = (path: string, arg: unknown): Promise<Response> =>
  rpc(emulator, `/2/files/${path}`, token, json(arg))

async function ok<T>(response: Response): Promise<T> {
  if (response.status !== 200) throw new Error(`${response.status}: ${await response.text()}`)
  return (await response.json()) as T
}

interface Page {
  entries: { '.tag': string; path_display: string }[]
  cursor: string
  has_more: boolean
}

describe('files/get_metadata', () => {
  it('finds a file case-insensitively, by id and by rev', async () => {
    expect(await ok(await call('get_metadata', { path: '/backups/BREW.tar.xz' }))).toEqual(brew)
    expect(await ok(await call('get_metadata', { path: brew.id }))).toEqual(brew)
    expect(await ok(await call('get_metadata', { path: `rev:${brew.rev}` }))).toEqual(brew)
  })

  it('describes folders', async () => {
    expect(await ok(await call('get_metadata', { path: '/backups' }))).toMatchObject({
      '.tag': 'folder',
      name: 'Backups',
      path_display: '/Backups',
    })
  })

  it('answers path/not_found, and 400 for the root', async () => {
    expect(await errorOf(await call('get_metadata', { path: '/missing.txt' }))).toEqual({
      error_summary: 'path/not_found/..',
      error: { '.tag': 'path', path: { '.tag': 'not_found' } },
    })
    expect((await call('get_metadata', { path: '' })).status).toBe(400)
  })

  it('needs a JSON Content-Type', async () => {
    const response = await rpc(emulator, '/2/files/get_metadata', token, {
      contentType: 'text/plain',
      text: JSON.stringify({ path: '/x' }),
    })
    expect(response.status).toBe(400)
  })
})

describe('files/list_folder', () => {
  it('lists the root as "" and refuses "/"', async () => {
    const page = await ok<Page>(await call('list_folder', { path: '' }))
    expect(page.entries.map((entry) => entry.path_display)).toEqual(['/Backups', '/Many'])
    const slash = await call('list_folder', { path: '/' })
    expect(slash.status).toBe(400)
    expect(await slash.text()).toContain('Specify the root folder as an empty string')
  })

  it('pages with limit and list_folder/continue', async () => {
    const first = await ok<Page>(await call('list_folder', { path: '/many', limit: 2 }))
    expect(first).toMatchObject({ has_more: true })
    const seen = [...first.entries]
    let cursor = first.cursor
    for (let more = true; more;) {
      const next = await ok<Page>(await call('list_folder/continue', { cursor }))
      seen.push(...next.entries)
      ;({ cursor, has_more: more } = next)
    }
    expect(seen.map((entry) => entry.path_display)).toEqual(
      ['a', 'b', 'c', 'd', 'e'].map((n) => `/Many/${n}.txt`),
    )
  })

  it('lists recursively', async () => {
    const page = await ok<Page>(
      await call('list_folder', { path: '', recursive: true, limit: 2000 }),
    )
    expect(page.entries).toHaveLength(8)
  })

  it.each([
    [{ path: '/nope' }, 'not_found'],
    [{ path: '/Backups/Brew.tar.xz' }, 'not_folder'],
  ])('answers path errors for %j', async (arg, tag) => {
    expect(await errorOf(await call('list_folder', arg))).toMatchObject({
      error: { path: { '.tag': tag } },
    })
  })

  it.each([0, 2001])('rejects limit %i', async (limit) => {
    expect((await call('list_folder', { path: '', limit })).status).toBe(400)
  })

  it('answers reset for a cursor it never issued', async () => {
    expect(await errorOf(await call('list_folder/continue', { cursor: 'bogus' }))).toMatchObject({
      error: { '.tag': 'reset' },
    })
  })
})

describe('files/delete_v2', () => {
  it('deletes a file and returns its metadata', async () => {
    const created = await ok<FileMetadata>(
      await contentCall(emulator, '/2/files/upload', token, { path: '/gone.txt' }, 'x'),
    )
    expect(await ok(await call('delete_v2', { path: '/GONE.txt' }))).toEqual({ metadata: created })
    expect((await call('get_metadata', { path: '/gone.txt' })).status).toBe(409)
    expect(
      await ok(await call('get_metadata', { path: '/gone.txt', include_deleted: true })),
    ).toMatchObject({
      '.tag': 'deleted',
    })
    expect(emulator.files().has('/gone.txt')).toBe(false)
  })

  it('deletes a folder with its contents', async () => {
    await contentCall(emulator, '/2/files/upload', token, { path: '/Tmp/x.txt' }, 'x')
    expect(await ok(await call('delete_v2', { path: '/tmp' }))).toMatchObject({
      metadata: { '.tag': 'folder' },
    })
    expect(emulator.files().has('/tmp/x.txt')).toBe(false)
  })

  it('answers path_lookup/not_found and a conflict for a stale parent_rev', async () => {
    expect(await errorOf(await call('delete_v2', { path: '/never' }))).toEqual({
      error_summary: 'path_lookup/not_found/..',
      error: { '.tag': 'path_lookup', path_lookup: { '.tag': 'not_found' } },
    })
    const stale = await call('delete_v2', {
      path: '/Backups/Brew.tar.xz',
      parent_rev: 'abcdef0123',
    })
    expect(await errorOf(stale)).toMatchObject({ error: { '.tag': 'path_write' } })
  })

  it('answers an injected too_many_write_operations', async () => {
    emulator.injectFault('/2/files/delete_v2', { kind: 'too_many_write_operations' })
    expect(await errorOf(await call('delete_v2', { path: '/Many/a.txt' }))).toMatchObject({
      error: { '.tag': 'too_many_write_operations' },
    })
  })
})

describe('POST /__sink (not a Dropbox route)', () => {
  it('reads and discards the body', async () => {
    const response = await fetch(`${emulator.url}/__sink`, {
      method: 'POST',
      body: new Uint8Array(3 * 1024 * 1024),
    })
    expect(await response.json()).toEqual({ bytes: 3 * 1024 * 1024 })
  })
})

describe('users/get_space_usage', () => {
  it('counts stored bytes as used', async () => {
    const usage = await ok<{ used: number }>(await rpc(emulator, '/2/users/get_space_usage', token))
    expect(usage.used).toBe(
      [...emulator.files().values()].reduce((sum, file) => sum + file.size, 0),
    )
    expect(usage.used).toBeGreaterThan(0)
  })
})
