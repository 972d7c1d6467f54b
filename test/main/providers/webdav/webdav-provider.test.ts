import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { isAppError } from '../../../../src/shared/app-error.ts'
import type { Credentials, ProviderContext } from '../../../../src/main/providers/provider.ts'
import { providerById } from '../../../../src/main/providers/registry.ts'
import type { SourceFile } from '../../../../src/main/uploads/uploader.ts'
import { backupBytes, MIB } from '../../../support/backup-files.ts'
import { startApache, WEBDAV_SERVERS, type WebdavServer } from '../../../support/webdav-servers.ts'
import { context, removeTempDirs, sourceFile, tmp } from '../local/local-harness.ts'

vi.setConfig({ testTimeout: 60_000 })

const webdav = providerById('webdav')!

/** Every request the provider sent, as the engine's fetch seam sees it. */
function recordingContext(): ProviderContext & {
  requests: string[]
  checksumsSent: string[]
} {
  const requests: string[] = []
  const checksumsSent: string[] = []
  return {
    requests,
    checksumsSent,
    settings: {
      enabled: true,
      clientId: null,
      clientSecret: null,
      authorizationUrl: '',
      authorizationUrlOptions: {},
      tokenUrl: '',
      scopes: [],
      redirectUris: [],
      defaultTarget: '/Fermentrack Backups',
    },
    env: {},
    fetch: (input, init) => {
      requests.push(
        `${init?.method ?? 'GET'} ${decodeURIComponent(new URL(String(input)).pathname)}`,
      )
      const checksum = (init?.headers as Record<string, string> | undefined)?.['oc-checksum']
      if (init?.method === 'PUT' && checksum) checksumsSent.push(checksum)
      return fetch(input, init)
    },
    chunkSize: 8 * MIB,
    now: Date.now,
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}

describe.each(WEBDAV_SERVERS)('WebDAV provider against $name', (kind) => {
  let server: WebdavServer
  let credentials: Credentials & { rejections: number }
  const ctx = recordingContext()

  beforeAll(async () => {
    server = await kind.start()
    const connected = await webdav.connect(
      { fields: { url: server.url, username: server.username, password: server.password } },
      ctx,
    )
    credentials = {
      connectionId: 'webdav-test',
      config: connected.config,
      tokens: null,
      secret: connected.secret,
      rejections: 0,
      async rejected() {
        credentials.rejections++
      },
    }
  })
  afterAll(async () => {
    await server?.close()
    removeTempDirs()
  })

  /** The bytes the server stored at a remote path, read from its folder on disk. */
  const stored = (remotePath: string) => readFileSync(join(server.root, remotePath))
  const upload = (file: SourceFile, folder: string, onProgress?: (n: number) => void) =>
    webdav.uploader(credentials, ctx).upload(file, folder, context(onProgress))

  it('connects: the account is user@URL, the password is only in the secret', async () => {
    const connected = await webdav.connect(
      { fields: { url: server.url, username: server.username, password: server.password } },
      ctx,
    )
    expect(connected.account).toEqual({
      id: `${server.username}@${server.url}`,
      name: `${server.username}@${new URL(server.url).host}`,
      email: '',
    })
    // Neither server offers RFC 4331 quota properties.
    expect(connected.space).toBeNull()
    expect(connected.config).toEqual({ url: server.url, username: server.username })
    expect(connected.secret).toEqual({ password: server.password })
  })

  it('a wrong password is invalid_credentials in one line, without the password', async () => {
    const error = await webdav
      .connect(
        { fields: { url: server.url, username: server.username, password: 'wrong-pass-x1' } },
        ctx,
      )
      .catch((e: unknown) => e)
    expect(isAppError(error, 'invalid_credentials')).toBe(true)
    const message = (error as Error).message
    expect(message).toContain('refused the user name or password')
    expect(message).not.toContain('\n')
    expect(message).not.toContain('wrong-pass-x1')
  })

  it('refuses plain http to another host before sending anything', async () => {
    const before = ctx.requests.length
    const error = await webdav
      .connect({ fields: { url: 'http://example.com/dav/', username: 'u', password: 'p' } }, ctx)
      .catch((e: unknown) => e)
    expect(isAppError(error, 'invalid_setting')).toBe(true)
    expect(ctx.requests.length).toBe(before)
  })

  it('a URL that is not a WebDAV folder is connection_test_failed', async () => {
    const error = await webdav
      .connect(
        {
          fields: {
            url: new URL('no-such-folder/', server.url).href,
            username: server.username,
            password: server.password,
          },
        },
        ctx,
      )
      .catch((e: unknown) => e)
    expect(isAppError(error, 'connection_test_failed')).toBe(true)
  })

  it('uploads a small file, creating the missing folders, verified by read-back', async () => {
    const bytes = backupBytes(20_000, 1)
    const result = await upload(
      sourceFile('2026-11-22T10.00.00.tar.xz', bytes),
      '/Fermentrack Backups/brewhouse 1',
    )
    expect(result.remotePath).toBe('/Fermentrack Backups/brewhouse 1/2026-11-22T10.00.00.tar.xz')
    expect(stored(result.remotePath).equals(bytes)).toBe(true)
    expect(result).toMatchObject({ size: 20_000, renamed: false, alreadyPresent: false })
    expect(result.checksum).toEqual({ algorithm: 'sha256', value: sha256(bytes) })
    expect(result.verifiedBy).toBe('size and the whole file read back')
    // ownCloud-style servers check or keep the checksum sent with the PUT.
    expect(ctx.checksumsSent.at(-1)).toBe(`SHA256:${sha256(bytes)}`)
    // No temp part is left behind, and no other file appeared.
    expect(readdirSync(join(server.root, 'Fermentrack Backups/brewhouse 1'))).toEqual([
      '2026-11-22T10.00.00.tar.xz',
    ])
  })

  it('uploads an empty file', async () => {
    const result = await upload(sourceFile('empty.tar.xz', Buffer.alloc(0)), '/empty')
    expect(statSync(join(server.root, 'empty/empty.tar.xz')).size).toBe(0)
    expect(result.verifiedBy).toBe('size (an empty file)')
  })

  it('uploads a large file streamed, reports progress, verifies the first and last MiB', async () => {
    const bytes = backupBytes(12 * MIB + 123, 2)
    const progress: number[] = []
    const before = ctx.requests.length
    const result = await upload(sourceFile('large.tar.xz', bytes), '/large', (n) =>
      progress.push(n),
    )
    expect(stored('large/large.tar.xz').equals(bytes)).toBe(true)
    expect(result.verifiedBy).toBe('size and first/last MiB read back')
    expect(progress.at(-1)).toBe(bytes.length)
    expect(progress.length).toBeGreaterThan(2)
    // The read-back asked for the ends only, not the whole file again.
    const gets = ctx.requests
      .slice(before)
      .filter((r) => r.startsWith('GET ') && r.includes('.ftb-upload-'))
    expect(gets).toHaveLength(2)
  })

  it('the same content again is a no-op; different content under the name is kept as "(2)"', async () => {
    const first = backupBytes(5000, 3)
    const file = sourceFile('same.tar.xz', first)
    await upload(file, '/dups')
    const again = await upload(file, '/dups')
    expect(again).toMatchObject({ alreadyPresent: true, remotePath: '/dups/same.tar.xz' })

    const other = backupBytes(5000, 4)
    const second = await upload(sourceFile('same.tar.xz', other), '/dups')
    expect(second).toMatchObject({
      remotePath: '/dups/same (2).tar.xz',
      renamed: true,
      alreadyPresent: false,
    })
    expect(stored('/dups/same.tar.xz').equals(first)).toBe(true)
    expect(stored('/dups/same (2).tar.xz').equals(other)).toBe(true)
    // Its copy is found under "(2)" next time, not uploaded as "(3)".
    const third = await upload(sourceFile('same.tar.xz', other), '/dups')
    expect(third).toMatchObject({ alreadyPresent: true, remotePath: '/dups/same (2).tar.xz' })
    expect(readdirSync(join(server.root, 'dups')).sort()).toEqual([
      'same (2).tar.xz',
      'same.tar.xz',
    ])
  })

  it('a vanished source file is file_missing', async () => {
    const file = sourceFile('gone.tar.xz', backupBytes(100, 5))
    rmSync(file.path)
    const error = await upload(file, '/gone').catch((e: unknown) => e)
    expect(isAppError(error, 'file_missing')).toBe(true)
  })

  it('an abort stops the upload and leaves no file under the name', async () => {
    const file = sourceFile('aborted.tar.xz', backupBytes(8 * MIB, 6))
    const upCtx = context()
    const running = webdav.uploader(credentials, ctx).upload(file, '/aborted', {
      ...upCtx,
      onProgress: (n) => {
        if (n > MIB) upCtx.abort()
      },
    })
    const error = await running.catch((e: unknown) => e)
    expect((error as Error).name).toBe('AbortError')
    expect(existsSync(join(server.root, 'aborted/aborted.tar.xz'))).toBe(false)
  })

  it('lists, downloads and removes', async () => {
    const bytes = backupBytes(3 * MIB, 7)
    await upload(sourceFile('listed.tar.xz', bytes), '/listing')
    await upload(sourceFile('other.zip', Buffer.from('x')), '/listing')
    const entries = await webdav.list(credentials, '/listing', ctx)
    expect(entries.map((e) => [e.name, e.path, e.size, e.isFolder]).sort()).toEqual([
      ['listed.tar.xz', '/listing/listed.tar.xz', bytes.length, false],
      ['other.zip', '/listing/other.zip', 1, false],
    ])
    const target = join(tmp('webdav-download'), 'back.tar.xz')
    await webdav.download(credentials, '/listing/listed.tar.xz', target, ctx)
    expect(readFileSync(target).equals(bytes)).toBe(true)
    await webdav.remove(credentials, '/listing/listed.tar.xz', ctx)
    expect(existsSync(join(server.root, 'listing/listed.tar.xz'))).toBe(false)
    expect((await webdav.list(credentials, '/listing', ctx)).map((e) => e.name)).toEqual([
      'other.zip',
    ])
  })

  it('a changed password is needs_reauth and marks the connection rejected', async () => {
    await server.changePassword('a-new-password')
    try {
      const error = await upload(sourceFile('late.tar.xz', backupBytes(10, 8)), '/late').catch(
        (e: unknown) => e,
      )
      expect(isAppError(error, 'needs_reauth')).toBe(true)
      expect(credentials.rejections).toBeGreaterThan(0)
    } finally {
      await server.changePassword(server.password)
    }
  })
})

describe('WebDAV provider against a server with an upload limit (Apache LimitRequestBody)', () => {
  let server: WebdavServer
  afterAll(async () => {
    await server?.close()
    removeTempDirs()
  })

  it('a file over the limit is file_too_large (413), and nothing is left at its name', async () => {
    server = await startApache({ limitRequestBody: 64 * 1024 })
    const ctx = recordingContext()
    const connected = await webdav.connect(
      { fields: { url: server.url, username: server.username, password: server.password } },
      ctx,
    )
    const credentials: Credentials = {
      connectionId: 'webdav-limit',
      config: connected.config,
      tokens: null,
      secret: connected.secret,
      rejected: async () => {},
    }
    const file = sourceFile('too-big.tar.xz', backupBytes(256 * 1024, 11))
    const error = await webdav
      .uploader(credentials, ctx)
      .upload(file, '/limited', context())
      .catch((e: unknown) => e)
    expect(isAppError(error, 'file_too_large')).toBe(true)
    expect(readdirSync(join(server.root, 'limited'))).toEqual([])
  })
})
