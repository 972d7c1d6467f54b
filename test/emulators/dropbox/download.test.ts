import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contentCall, errorOf, headerSafeJson } from './content-request.ts'
import { startDropboxEmulator, type DropboxEmulator, type FileMetadata } from './index.ts'
import { APP_KEY, REDIRECT_URI, linkAccount } from './link-account.ts'
import { APP_SCOPES } from './oauth-authorize.ts'

let emulator: DropboxEmulator
let token: string
let brew: FileMetadata
const BYTES = Buffer.from('Weißbier, 1.052 → 1.011')
beforeAll(async () => {
  emulator = await startDropboxEmulator({ appKey: APP_KEY, redirectUris: [REDIRECT_URI] })
  token = (await linkAccount(emulator)).accessToken
  const response = await contentCall(
    emulator,
    '/2/files/upload',
    token,
    { path: '/Backups/Gärkeller.tar.xz' },
    BYTES,
  )
  brew = (await response.json()) as FileMetadata
})
afterAll(() => emulator.close())

/** files/download as a correct client sends it: the argument in the header, no body. */
function download(
  arg: unknown,
  headers: Record<string, string> = {},
  body?: string,
  bearer = token,
): Promise<Response> {
  return fetch(`${emulator.url}/2/files/download`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${bearer}`,
      'dropbox-api-arg': headerSafeJson(arg),
      ...headers,
    },
    body,
  })
}

describe('files/download', () => {
  it('answers the bytes, with the metadata as header-safe JSON in Dropbox-API-Result', async () => {
    const response = await download({ path: '/backups/GÄRKELLER.tar.xz' })

    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/octet-stream')
    const result = response.headers.get('dropbox-api-result')!
    expect(result).toMatch(/^[\x20-\x7e]+$/)
    expect(result).toContain('G\\u00e4rkeller')
    expect(JSON.parse(result)).toEqual(brew)
    expect(Buffer.from(await response.arrayBuffer()).equals(BYTES)).toBe(true)
  })

  it('finds a file by id and by rev, and takes the deprecated rev argument', async () => {
    for (const arg of [
      { path: brew.id },
      { path: `rev:${brew.rev}` },
      { path: brew.path_display, rev: brew.rev },
    ]) {
      const response = await download(arg)
      expect(response.status, JSON.stringify(arg)).toBe(200)
      await response.arrayBuffer()
    }
  })

  it('answers 409 path/not_found for nothing there or an old rev, and path/not_file for a folder', async () => {
    expect(await errorOf(await download({ path: '/Backups/missing.tar.xz' }))).toEqual({
      error_summary: 'path/not_found/..',
      error: { '.tag': 'path', path: { '.tag': 'not_found' } },
    })
    const oldRev = { path: brew.path_display, rev: '0123456789abcdef' }
    expect(await errorOf(await download(oldRev))).toMatchObject({
      error_summary: 'path/not_found/..',
    })
    expect(await errorOf(await download({ path: '/Backups' }))).toEqual({
      error_summary: 'path/not_file/..',
      error: { '.tag': 'path', path: { '.tag': 'not_file' } },
    })
  })

  it('needs the files.content.read scope', async () => {
    emulator.setAppScopes(['files.content.write', 'files.metadata.read', 'account_info.read'])
    try {
      const narrow = (await linkAccount(emulator)).accessToken
      expect(
        await errorOf(await download({ path: brew.path_display }, {}, undefined, narrow), 401),
      ).toEqual({
        error_summary: 'missing_scope/..',
        error: { '.tag': 'missing_scope', required_scope: 'files.content.read' },
      })
    } finally {
      emulator.setAppScopes([...APP_SCOPES])
    }
  })

  it('refuses, with a 400 text, a form Content-Type, a body, several ranges, a bad or unknown argument, and a missing header', async () => {
    const form = await download(
      { path: brew.path_display },
      { 'content-type': 'application/x-www-form-urlencoded' },
    )
    expect(form.status).toBe(400)
    expect(await form.text()).toMatch(
      /^Error in call to API function "files\/download": Bad HTTP "Content-Type" header/,
    )
    const plain = await download(
      { path: brew.path_display },
      { 'content-type': 'text/plain; charset=utf-8' },
    )
    expect(plain.status).toBe(200)
    await plain.arrayBuffer()

    const refused = [
      await download(
        { path: brew.path_display },
        { 'content-type': 'application/octet-stream' },
        'x',
      ),
      await download({ path: brew.path_display }, { range: 'bytes=0-1,4-5' }),
      await download({ path: 'Backups/no-slash.tar.xz' }),
      await download({ path: brew.path_display, rev: 'short' }),
      await download({ path: brew.path_display, include_media_info: true }),
      await fetch(`${emulator.url}/2/files/download`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      }),
    ]
    for (const response of refused) {
      expect(response.status).toBe(400)
      expect(await response.text()).toMatch(/^Error in call to API function "files\/download": /)
    }
  })
})

describe('files/download with a Range header', () => {
  it("answers 206 with the bytes asked for, their Content-Range and the whole file's metadata", async () => {
    const size = BYTES.length
    for (const [range, start, end] of [
      ['bytes=3-', 3, size - 1],
      ['bytes=0-3', 0, 3],
      ['bytes=-4', size - 4, size - 1],
      ['bytes=5-9999', 5, size - 1],
    ] as const) {
      const response = await download({ path: brew.path_display }, { range })
      expect(response.status, range).toBe(206)
      expect(response.headers.get('content-range')).toBe(`bytes ${start}-${end}/${size}`)
      expect(JSON.parse(response.headers.get('dropbox-api-result')!)).toEqual(brew)
      const body = Buffer.from(await response.arrayBuffer())
      expect(body.equals(BYTES.subarray(start, end + 1)), range).toBe(true)
    }
  })

  it('answers 416 with the size for a range from the end or past it, and records each Range', async () => {
    const before = emulator.requests.length
    const response = await download(
      { path: brew.path_display },
      { range: `bytes=${BYTES.length}-` },
    )
    expect(response.status).toBe(416)
    expect(response.headers.get('content-range')).toBe(`bytes */${BYTES.length}`)
    await response.arrayBuffer()
    expect(emulator.requests.slice(before).map((r) => r.range)).toEqual([`bytes=${BYTES.length}-`])
  })
})

describe('the quota', () => {
  it('lowered below what the next upload needs, refuses its commit with insufficient_space', async () => {
    const used = emulator.usedBytes()
    expect(used).toBe(BYTES.length)
    emulator.setQuotaBytes(used + 3)
    try {
      const response = await contentCall(
        emulator,
        '/2/files/upload',
        token,
        { path: '/Backups/big.txt' },
        'four',
      )
      expect(await errorOf(response)).toMatchObject({
        error: { '.tag': 'path', reason: { '.tag': 'insufficient_space' } },
      })
      const space = await fetch(`${emulator.url}/2/users/get_space_usage`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      })
      expect(await space.json()).toMatchObject({ used, allocation: { allocated: used + 3 } })
    } finally {
      emulator.setQuotaBytes(2 * 1024 ** 4)
    }
  })
})
