import { createHash, randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { api, CLIENT_ID, CLIENT_SECRET, signIn } from './emulator-client.ts'
import { CHUNK_GRANULE, startGdriveEmulator, type GdriveEmulator } from './index.ts'

let emulator: GdriveEmulator
let call: ReturnType<typeof api>
beforeEach(async () => {
  emulator = await startGdriveEmulator({
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
    quotaBytes: 4 * 1024 * 1024,
  })
  call = api(emulator, (await signIn(emulator)).accessToken)
})
afterEach(() => emulator.close())

const jsonBody = (value: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
})

async function folder(name: string, appProperties = {}) {
  const response = await call(
    '/drive/v3/files',
    jsonBody({ name, mimeType: 'application/vnd.google-apps.folder', appProperties }),
  )
  return ((await response.json()) as { id: string }).id
}

async function startSession(parent: string, name: string, total: number) {
  const response = await call(
    '/upload/drive/v3/files?uploadType=resumable&fields=id,sha256Checksum,size',
    {
      ...jsonBody({ name, parents: [parent] }),
      headers: { 'content-type': 'application/json', 'x-upload-content-length': String(total) },
    },
  )
  expect(response.status).toBe(200)
  return response.headers.get('location')!
}

const put = (uri: string, range: string, body: Buffer = Buffer.alloc(0)) =>
  fetch(uri, { method: 'PUT', headers: { 'content-range': range }, body })

describe('gdrive emulator: Drive v3', () => {
  it('lists by name, parent, trashed and appProperties, and only what this client created', async () => {
    const id = await folder('Fermentrack Backups', { ftb: 'target' })
    const foreign = emulator.addForeignFile('Fermentrack Backups', Buffer.alloc(0)).id
    const q = encodeURIComponent(
      "name = 'Fermentrack Backups' and 'root' in parents and trashed = false and appProperties has { key='ftb' and value='target' }",
    )
    const listed = (await (await call(`/drive/v3/files?q=${q}&fields=files(id,name)`)).json()) as {
      files: Array<{ id: string }>
    }
    expect(listed.files.map((f) => f.id)).toEqual([id])
    expect((await call(`/drive/v3/files/${foreign}`)).status).toBe(404)
  })

  it('refuses a query Drive would refuse', async () => {
    const response = await call(`/drive/v3/files?q=${encodeURIComponent("title = 'x'")}`)
    expect(response.status).toBe(400)
  })

  it('uploads resumably in 256 KiB multiples, says what arrived with 308 and Range, and reports checksums', async () => {
    const parent = await folder('F')
    const bytes = randomBytes(2 * CHUNK_GRANULE + 1000)
    const uri = await startSession(parent, 'a.tar.xz', bytes.length)
    const odd = await put(uri, `bytes 0-999/${bytes.length}`, bytes.subarray(0, 1000))
    expect(odd.status).toBe(400)
    const first = await put(
      uri,
      `bytes 0-${CHUNK_GRANULE - 1}/${bytes.length}`,
      bytes.subarray(0, CHUNK_GRANULE),
    )
    expect(first.status).toBe(308)
    expect(first.headers.get('range')).toBe(`bytes=0-${CHUNK_GRANULE - 1}`)
    const status = await put(uri, `bytes */${bytes.length}`)
    expect(status.status).toBe(308)
    expect(status.headers.get('range')).toBe(`bytes=0-${CHUNK_GRANULE - 1}`)
    const gap = await put(
      uri,
      `bytes ${2 * CHUNK_GRANULE}-${bytes.length - 1}/${bytes.length}`,
      bytes.subarray(2 * CHUNK_GRANULE),
    )
    expect(gap.status).toBe(400)
    const rest = await put(
      uri,
      `bytes ${CHUNK_GRANULE}-${bytes.length - 1}/${bytes.length}`,
      bytes.subarray(CHUNK_GRANULE),
    )
    expect(rest.status).toBe(200)
    const file = (await rest.json()) as { sha256Checksum: string; size: string }
    expect(file.sha256Checksum).toBe(createHash('sha256').update(bytes).digest('hex'))
    expect(file.size).toBe(String(bytes.length))
    expect(emulator.fileAt('/F/a.tar.xz')!.content!.equals(bytes)).toBe(true)
  })

  it('answers 404 for an expired or unknown session', async () => {
    const uri = await startSession(await folder('F'), 'b.tar.xz', 10)
    emulator.uploads.expireAll()
    expect((await put(uri, 'bytes */10')).status).toBe(404)
    expect((await put(uri.replace(/upload_id=[^&]+/, 'upload_id=nope'), 'bytes */10')).status).toBe(
      404,
    )
  })

  it('answers 410 Gone for a session the server ended, for status queries and chunks alike', async () => {
    const uri = await startSession(await folder('F'), 'c.tar.xz', 10)
    emulator.uploads.endAll()
    const query = await put(uri, 'bytes */10')
    expect(query.status).toBe(410)
    expect(((await query.json()) as { error: { code: number } }).error.code).toBe(410)
    expect((await put(uri, 'bytes 0-9/10', Buffer.alloc(10))).status).toBe(410)
    expect(emulator.fileAt('/F/c.tar.xz')).toBeUndefined()
  })

  it('reports only md5Checksum for a file seeded as md5-only, and all three for others', async () => {
    const parent = await folder('F')
    const bytes = Buffer.from('older file')
    const old = emulator.addMd5OnlyFile('old.tar.xz', bytes, parent, CLIENT_ID)
    const fields = 'md5Checksum,sha1Checksum,sha256Checksum'
    const got = (await (await call(`/drive/v3/files/${old.id}?fields=${fields}`)).json()) as object
    expect(got).toEqual({ md5Checksum: createHash('md5').update(bytes).digest('hex') })
  })

  it('takes a multipart upload and refuses one over the quota with storageQuotaExceeded', async () => {
    const parent = await folder('F')
    const multipart = (content: Buffer) =>
      Buffer.concat([
        Buffer.from(
          `--b\r\ncontent-type: application/json\r\n\r\n${JSON.stringify({ name: 'm.tar.xz', parents: [parent] })}\r\n--b\r\ncontent-type: application/octet-stream\r\n\r\n`,
        ),
        content,
        Buffer.from('\r\n--b--'),
      ])
    const send = (content: Buffer) =>
      call('/upload/drive/v3/files?uploadType=multipart&fields=id,md5Checksum', {
        method: 'POST',
        headers: { 'content-type': 'multipart/related; boundary=b' },
        body: multipart(content),
      })
    const ok = await send(Buffer.from('small'))
    expect(ok.status).toBe(200)
    expect(((await ok.json()) as { md5Checksum: string }).md5Checksum).toBe(
      createHash('md5').update('small').digest('hex'),
    )
    const full = await send(randomBytes(5 * 1024 * 1024))
    expect(full.status).toBe(403)
    expect(JSON.stringify(await full.json())).toContain('storageQuotaExceeded')
  })

  it('downloads with Range (206), deletes (204, then 404) and reports the quota in about.get', async () => {
    const parent = await folder('F')
    const uri = await startSession(parent, 'c.tar.xz', 10)
    const { id } = (await (await put(uri, 'bytes 0-9/10', Buffer.from('0123456789'))).json()) as {
      id: string
    }
    const part = await call(`/drive/v3/files/${id}?alt=media`, { headers: { range: 'bytes=4-' } })
    expect(part.status).toBe(206)
    expect(await part.text()).toBe('456789')
    const about = (await (await call('/drive/v3/about?fields=user,storageQuota')).json()) as {
      storageQuota: { usage: string }
    }
    expect(about.storageQuota.usage).toBe('10')
    expect((await call('/drive/v3/about')).status).toBe(400)
    expect((await call(`/drive/v3/files/${id}`, { method: 'DELETE' })).status).toBe(204)
    expect((await call(`/drive/v3/files/${id}`, { method: 'DELETE' })).status).toBe(404)
  })

  it('queues rate limits: 429 with Retry-After and 403 userRateLimitExceeded', async () => {
    emulator.failNext('rate_limit_429', '/drive/v3/files')
    emulator.failNext('user_rate_limit_403', '/drive/v3/files')
    const first = await call('/drive/v3/files')
    expect(first.status).toBe(429)
    expect(first.headers.get('retry-after')).toBe('1')
    const second = await call('/drive/v3/files')
    expect(JSON.stringify(await second.json())).toContain('userRateLimitExceeded')
    expect((await call('/drive/v3/files')).status).toBe(200)
  })

  it('sends only kind, id, name and mimeType without fields, and refuses a parent this client cannot see', async () => {
    const parent = await folder('F')
    const bare = (await (await call(`/drive/v3/files/${parent}`)).json()) as Record<string, unknown>
    expect(Object.keys(bare).sort()).toEqual(['id', 'kind', 'mimeType', 'name'])
    const theirs = emulator.addForeignFile('Theirs', Buffer.alloc(0)).id
    const response = await call('/drive/v3/files', jsonBody({ name: 'x', parents: [theirs] }))
    expect(response.status).toBe(404)
  })

  it('refuses a chunk whose Content-Range does not match its body, or that passes the declared size', async () => {
    const uri = await startSession(await folder('F'), 'd.tar.xz', 10)
    expect((await put(uri, 'bytes 0-9/10', Buffer.from('short'))).status).toBe(400)
    expect((await put(uri, 'bytes 0-10/11', Buffer.from('0123456789a'))).status).toBe(400)
    expect((await put(uri, 'bytes */10')).headers.get('range')).toBeNull()
  })
})
