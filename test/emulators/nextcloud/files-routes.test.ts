import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { startNextcloudEmulator } from './index.ts'
import type { NextcloudEmulator } from './types.ts'
import { signIn } from './test-client.ts'

let nc: NextcloudEmulator | undefined
afterEach(async () => nc?.close())

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex')
const PROPS =
  '<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns"><d:prop>' +
  '<d:getcontentlength/><d:quota-available-bytes/><d:quota-used-bytes/><oc:checksums/></d:prop></d:propfind>'

describe('WebDAV files', () => {
  it('PUT stores the file with its OC-Checksum, and PROPFIND reports size, checksum and quota', async () => {
    nc = await startNextcloudEmulator({ quotaBytes: 1000 })
    const { dav, files } = await signIn(nc)
    expect((await dav('MKCOL', `${files}/Backups`)).status).toBe(201)
    const put = await dav(
      'PUT',
      `${files}/Backups/a%20b.tar.xz`,
      { 'oc-checksum': `SHA256:${sha256('hello')}`, 'x-oc-mtime': '1700000000' },
      'hello',
    )
    expect(put.status).toBe(201)
    expect(put.headers.get('x-oc-mtime')).toBe('accepted')
    expect(nc.stored('/Backups/a b.tar.xz')?.toString()).toBe('hello')
    const listing = await (await dav('PROPFIND', `${files}/Backups`, { depth: '1' }, PROPS)).text()
    expect(listing).toContain('<d:href>/remote.php/dav/files/brewer/Backups/a%20b.tar.xz</d:href>')
    expect(listing).toContain('<d:getcontentlength>5</d:getcontentlength>')
    expect(listing).toContain(`<oc:checksum>SHA256:${sha256('hello')}</oc:checksum>`)
    expect(listing).toContain('<d:quota-available-bytes>995</d:quota-available-bytes>')
  })

  it('refuses a PUT whose parent is missing (409), over quota (507), or with a wrong checksum (400)', async () => {
    nc = await startNextcloudEmulator({ quotaBytes: 10 })
    const { dav, files } = await signIn(nc)
    expect((await dav('PUT', `${files}/missing/x`, {}, 'x')).status).toBe(409)
    expect((await dav('PUT', `${files}/big`, {}, 'more than ten bytes')).status).toBe(507)
    const wrong = await dav(
      'PUT',
      `${files}/x`,
      { 'oc-checksum': `SHA256:${sha256('other')}` },
      'x',
    )
    expect(wrong.status).toBe(400)
    expect(await wrong.text()).toContain('checksum does not match')
    expect(nc.storedPaths()).toEqual([])
  })

  it('MKCOL is 405 when the folder exists and 409 when its parent is missing', async () => {
    nc = await startNextcloudEmulator()
    const { dav, files } = await signIn(nc)
    expect((await dav('MKCOL', `${files}/a/b`)).status).toBe(409)
    expect((await dav('MKCOL', `${files}/a`)).status).toBe(201)
    expect((await dav('MKCOL', `${files}/a`)).status).toBe(405)
  })

  it('GET honours Range, and DELETE and MOVE change what is stored', async () => {
    nc = await startNextcloudEmulator()
    const { dav, files } = await signIn(nc)
    await dav('PUT', `${files}/f`, {}, '0123456789')
    const part = await dav('GET', `${files}/f`, { range: 'bytes=2-4' })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe('bytes 2-4/10')
    expect(await part.text()).toBe('234')
    expect((await dav('GET', `${files}/f`, { range: 'bytes=20-' })).status).toBe(416)
    expect((await dav('MOVE', `${files}/f`, { destination: `${files}/g` })).status).toBe(201)
    expect(nc.storedPaths()).toEqual(['/g'])
    expect((await dav('DELETE', `${files}/g`)).status).toBe(204)
    expect((await dav('DELETE', `${files}/g`)).status).toBe(404)
  })

  it("refuses another user's files", async () => {
    nc = await startNextcloudEmulator()
    const { dav } = await signIn(nc)
    expect(
      (await dav('PROPFIND', `${nc.url}/remote.php/dav/files/someone-else/`, { depth: '0' }))
        .status,
    ).toBe(404)
  })
})

describe('faults', () => {
  it('a dropped response still applies the request; a 507 fault applies nothing', async () => {
    nc = await startNextcloudEmulator()
    const { dav, files } = await signIn(nc)
    nc.injectFault({ method: 'PUT', path: '/remote.php/dav/files/' }, { kind: 'drop_response' })
    await expect(dav('PUT', `${files}/a`, {}, 'aaa')).rejects.toThrow()
    expect(nc.stored('/a')?.toString()).toBe('aaa')
    nc.injectFault(
      { method: 'PUT', path: '/remote.php/dav/files/' },
      { kind: 'insufficient_storage' },
    )
    expect((await dav('PUT', `${files}/b`, {}, 'bbb')).status).toBe(507)
    expect(nc.storedPaths()).toEqual(['/a'])
    expect(nc.bytesReceived()).toBe(6)
  })
})
