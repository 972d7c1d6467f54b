import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { startNextcloudEmulator } from './index.ts'
import type { NextcloudEmulator } from './types.ts'
import { signIn } from './test-client.ts'
import { MIN_CHUNK_BYTES } from './uploads-routes.ts'

let nc: NextcloudEmulator | undefined
afterEach(async () => nc?.close())

const MIB = 1024 * 1024

async function session(options: Parameters<typeof startNextcloudEmulator>[0] = {}) {
  nc = await startNextcloudEmulator(options)
  const client = await signIn(nc)
  const destination = `${client.files}/big.tar.xz`
  const folder = `${client.uploads}/web-file-upload-1`
  const up = (method: string, item: string, headers: Record<string, string> = {}, body?: Buffer) =>
    client.dav(method, `${folder}${item}`, { destination, ...headers }, body)
  return { ...client, nc, destination, folder, up }
}

describe('chunked upload v2', () => {
  it('assembles numbered chunks into the destination on MOVE .file, checking length and checksum', async () => {
    const { nc, up } = await session()
    const data = Buffer.alloc(MIN_CHUNK_BYTES + 100, 7)
    expect((await up('MKCOL', '', { 'oc-total-length': String(data.length) })).status).toBe(201)
    expect((await up('PUT', '/1', {}, data.subarray(0, MIN_CHUNK_BYTES))).status).toBe(201)
    expect((await up('PUT', '/2', {}, data.subarray(MIN_CHUNK_BYTES))).status).toBe(201)
    const listing = await (await up('PROPFIND', '', { depth: '1' })).text()
    expect(listing).toContain(`<d:getcontentlength>${MIN_CHUNK_BYTES}</d:getcontentlength>`)
    expect(listing).toContain('<d:getcontentlength>100</d:getcontentlength>')
    const sha = createHash('sha256').update(data).digest('hex')
    const moved = await up('MOVE', '/.file', {
      'oc-total-length': String(data.length),
      'oc-checksum': `SHA256:${sha}`,
      'x-oc-mtime': '1700000000',
    })
    expect(moved.status).toBe(201)
    expect(nc.stored('/big.tar.xz')?.equals(data)).toBe(true)
    expect(nc.uploadFolders()).toEqual([])
  })

  it('needs the same Destination on every request (400), and refuses chunk names outside 1..10000', async () => {
    const { up, dav, folder, files } = await session()
    expect((await dav('MKCOL', folder)).status).toBe(400)
    expect((await up('MKCOL', '')).status).toBe(201)
    expect((await dav('PUT', `${folder}/1`, {}, Buffer.from('x'))).status).toBe(400)
    expect(
      (await dav('PUT', `${folder}/1`, { destination: `${files}/other` }, Buffer.from('x'))).status,
    ).toBe(400)
    expect((await up('PUT', '/0', {}, Buffer.from('x'))).status).toBe(400)
    expect((await up('PUT', '/10001', {}, Buffer.from('x'))).status).toBe(400)
  })

  it('refuses at MOVE a chunk under 5 MiB that is not the last, and a wrong total length', async () => {
    const { nc, up } = await session()
    await up('MKCOL', '')
    await up('PUT', '/1', {}, Buffer.alloc(MIB))
    await up('PUT', '/2', {}, Buffer.alloc(MIB))
    expect((await up('MOVE', '/.file', { 'oc-total-length': String(2 * MIB) })).status).toBe(400)
    await up('PUT', '/1', {}, Buffer.alloc(MIN_CHUNK_BYTES))
    expect((await up('MOVE', '/.file', { 'oc-total-length': '1' })).status).toBe(400)
    expect(nc.storedPaths()).toEqual([])
  })

  it('checks OC-Total-Length against the quota at MKCOL and on each chunk (507)', async () => {
    const { nc, up } = await session({ quotaBytes: 10 * MIB })
    expect((await up('MKCOL', '', { 'oc-total-length': String(11 * MIB) })).status).toBe(507)
    expect((await up('MKCOL', '', { 'oc-total-length': String(9 * MIB) })).status).toBe(201)
    nc.setQuota(MIB)
    expect(
      (await up('PUT', '/1', { 'oc-total-length': String(9 * MIB) }, Buffer.alloc(10))).status,
    ).toBe(507)
  })

  it('expires an upload folder idle for 24 hours: then every request on it is 404', async () => {
    let clock = 5_000_000
    const { nc, up } = await session({ now: () => clock })
    await up('MKCOL', '')
    await up('PUT', '/1', {}, Buffer.alloc(10))
    clock += 23 * 3600 * 1000
    expect((await up('PROPFIND', '', { depth: '1' })).status).toBe(207)
    clock += 23 * 3600 * 1000
    expect((await up('PUT', '/2', {}, Buffer.alloc(10))).status).toBe(201)
    clock += 24 * 3600 * 1000 + 1
    expect((await up('PROPFIND', '', { depth: '1' })).status).toBe(404)
    expect(nc.uploadFolders()).toEqual([])
  })

  it('expireUploads() expires them without a clock', async () => {
    const { nc, up } = await session()
    await up('MKCOL', '')
    nc.expireUploads()
    expect((await up('PUT', '/1', {}, Buffer.alloc(10))).status).toBe(404)
  })
})
