import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FetchFn } from '../../../../src/main/net/fetch-with-retry.ts'
import type { RemoteFile, UploadContext } from '../../../../src/main/uploads/uploader.ts'
import {
  openConnection,
  sourceFile,
  type OpenConnection,
} from '../../../conformance/conformance-steps.ts'
import { quickXorOf, type GraphEmulator } from '../../../emulators/graph/index.ts'
import { writeBackup } from '../../../support/backup-files.ts'
import { tempDir } from '../../../support/cli-process.ts'
import { connectedOneDrive } from '../../../support/onedrive-fixture.ts'
import { writeSettings } from '../../../support/upload-fixture.ts'

const FRAGMENT = 12 * 320 * 1024
const LARGE = 4 * FRAGMENT + 777
const FOLDER = '/Fermentrack Backups'

let emulator: GraphEmulator
let home: { env: NodeJS.ProcessEnv; home: string; connectionId: string }

beforeAll(async () => {
  ;({ emulator, home } = await connectedOneDrive({ driveType: 'business' }))
}, 60_000)
afterAll(async () => emulator?.close())

/** The engine's connection, its requests passed through `wrap` (which may meddle, as a network would). */
async function withConnection<T>(test: (c: OpenConnection) => Promise<T>): Promise<T> {
  const c = await openConnection(home)
  try {
    return await test(c)
  } finally {
    await c.close()
  }
}

function upload(
  c: OpenConnection,
  path: string,
  options: { fetch?: FetchFn; context?: Partial<UploadContext> } = {},
) {
  const context = options.fetch
    ? { ...c.context, fetch: options.fetch, uploadFetch: options.fetch }
    : c.context
  return sourceFile(path).then((file) =>
    c.provider.uploader(c.credentials, context).upload(file, FOLDER, {
      signal: new AbortController().signal,
      onProgress: () => {},
      resume: undefined,
      saveResume: () => {},
      ...options.context,
    }),
  )
}

function uploadRequests(from: number) {
  return emulator.requests.slice(from).filter((r) => r.path.startsWith('/_upload/'))
}

/** Uploads `path` and kills it once two fragments are acknowledged; the last state saved. */
async function crashAfterTwoFragments(path: string): Promise<unknown> {
  const saved: unknown[] = []
  const controller = new AbortController()
  await withConnection(async (c) => {
    const first = upload(c, path, {
      context: {
        signal: controller.signal,
        // Killed once two fragments are acknowledged, before the third is sent.
        saveResume: (state) => {
          saved.push(state)
          if (saved.length === 3) controller.abort(new Error('killed'))
        },
      },
    })
    await expect(first).rejects.toThrow('killed')
  })
  return saved.at(-1)
}

async function expectStored(placed: RemoteFile, path: string) {
  expect(emulator.stored(placed.remotePath)?.bytes.equals(await readFile(path))).toBe(true)
}

describe('OneDrive uploader against the Graph emulator', () => {
  it('continues a crashed upload from the saved session: only the rest is sent, never with the token', async () => {
    const path = await writeBackup(tempDir('od'), 'crashed.tar.xz', LARGE, 21)
    const from = emulator.requests.length
    const saved = await crashAfterTwoFragments(path)
    const sent = uploadRequests(from).reduce((sum, r) => sum + r.bytes, 0)
    expect(sent).toBe(2 * FRAGMENT)

    const placed = await withConnection((c) => upload(c, path, { context: { resume: saved } }))

    await expectStored(placed, path)
    const puts = uploadRequests(from).filter((r) => r.method === 'PUT')
    expect(puts.reduce((sum, r) => sum + r.bytes, 0)).toBe(LARGE)
    expect(uploadRequests(from).every((r) => !r.authorization)).toBe(true)
    expect(placed.checksum.algorithm).toBe('quickxorhash')
  })

  it('after a crash whose saved session has expired by the restart, creates a new session and stores a verified file', async () => {
    const path = await writeBackup(tempDir('od'), 'stale.tar.xz', LARGE, 30)
    const from = emulator.requests.length
    const saved = await crashAfterTwoFragments(path)
    emulator.sessions.expireAll()

    const resumedAt = emulator.requests.length
    const placed = await withConnection((c) => upload(c, path, { context: { resume: saved } }))

    const after = emulator.requests.slice(resumedAt)
    expect(after[0]).toMatchObject({ method: 'GET', status: 404 })
    expect(after[0]!.path.startsWith('/_upload/')).toBe(true)
    const created = emulator.requests
      .slice(from)
      .filter((r) => r.path.endsWith('/createUploadSession'))
    expect(created.map((r) => r.status)).toEqual([200, 200])
    await expectStored(placed, path)
    expect(placed).toMatchObject({ remotePath: `${FOLDER}/stale.tar.xz`, renamed: false })
    expect(placed.checksum).toEqual({
      algorithm: 'quickxorhash',
      value: quickXorOf(await readFile(path)),
    })
    // The new session sent the whole file again, from its first byte.
    const puts = uploadRequests(resumedAt).filter((r) => r.method === 'PUT')
    expect(puts.reduce((sum, r) => sum + r.bytes, 0)).toBe(LARGE)
  })

  it('sends a file under 4 MB as one simple PUT to …:/content, with no upload session', async () => {
    const path = await writeBackup(tempDir('od'), 'simple.tar.xz', 3 * 1024 * 1024, 31)
    const from = emulator.requests.length
    const placed = await withConnection((c) => upload(c, path))
    await expectStored(placed, path)
    const seen = emulator.requests.slice(from)
    const content = seen.filter((r) => r.method === 'PUT')
    expect(content).toHaveLength(1)
    expect(content[0]!.path).toMatch(/:\/content$/)
    expect(content[0]).toMatchObject({ status: 201, bytes: 3 * 1024 * 1024 })
    expect(seen.some((r) => r.path.endsWith('/createUploadSession'))).toBe(false)
    expect(uploadRequests(from)).toEqual([])
  })

  it('sizes fragments from the measured rate: after the first the rest are larger, in 320 KiB units under 60 MiB', async () => {
    writeSettings(home.home, { adaptiveChunkSize: true })
    try {
      const path = await writeBackup(tempDir('od'), 'adaptive.tar.xz', 10 * FRAGMENT + 5, 22)
      const from = emulator.requests.length
      const placed = await withConnection((c) => upload(c, path))
      await expectStored(placed, path)
      const lengths = uploadRequests(from)
        .filter((r) => r.method === 'PUT')
        .map((r) => r.bytes)
      // Loopback moves far more than a fragment in 4 s, so the sizer grows them.
      expect(lengths[0]).toBe(FRAGMENT)
      expect(Math.max(...lengths.slice(1))).toBeGreaterThan(FRAGMENT)
      for (const length of lengths.slice(0, -1)) expect(length % (320 * 1024)).toBe(0)
      expect(Math.max(...lengths)).toBeLessThan(60 * 1024 * 1024)
    } finally {
      writeSettings(home.home, { adaptiveChunkSize: false })
    }
  })

  it('after a 416 (a fragment whose answer was lost arrived twice) asks the session where it stands and goes on', async () => {
    const path = await writeBackup(tempDir('od'), 'twice.tar.xz', LARGE, 22)
    let puts = 0
    const twice: FetchFn = async (url, init) => {
      const isPut = String(url).includes('/_upload/') && init?.method === 'PUT'
      if (isPut && ++puts === 2) await fetch(url, init)
      return fetch(url, init)
    }
    const from = emulator.requests.length
    const placed = await withConnection((c) => upload(c, path, { fetch: twice }))
    await expectStored(placed, path)
    const statuses = uploadRequests(from).map((r) => `${r.method} ${r.status}`)
    expect(statuses).toContain('PUT 416')
    expect(statuses[statuses.indexOf('PUT 416') + 1]).toBe('GET 200')
  })

  it('starts again with a new session when the one in use expires', async () => {
    const path = await writeBackup(tempDir('od'), 'expired.tar.xz', LARGE, 23)
    let puts = 0
    const expiring: FetchFn = async (url, init) => {
      const isPut = String(url).includes('/_upload/') && init?.method === 'PUT'
      if (isPut && ++puts === 3) emulator.sessions.expireAll()
      return fetch(url, init)
    }
    const from = emulator.requests.length
    const placed = await withConnection((c) => upload(c, path, { fetch: expiring }))
    await expectStored(placed, path)
    const created = emulator.requests
      .slice(from)
      .filter((r) => r.path.endsWith('/createUploadSession'))
    expect(created).toHaveLength(2)
  })

  it('waits as a 429 Retry-After asks and goes on; a wait over a minute goes back to the queue as rate_limited', async () => {
    const path = await writeBackup(tempDir('od'), 'limited.tar.xz', 1000, 24)
    emulator.failNext({
      pathPrefix: '/v1.0/me/drive/special/approot',
      status: 429,
      retryAfterSeconds: 1,
    })
    const placed = await withConnection((c) => upload(c, path))
    await expectStored(placed, path)

    const other = await writeBackup(tempDir('od'), 'later.tar.xz', 1000, 25)
    emulator.failNext({
      pathPrefix: '/v1.0/me/drive/special/approot',
      status: 503,
      retryAfterSeconds: 120,
    })
    const refused = withConnection((c) => upload(c, other))
    await expect(refused).rejects.toMatchObject({ code: 'rate_limited', retryAfterMs: 120_000 })
    expect(emulator.stored(`${FOLDER}/later.tar.xz`)).toBeUndefined()
  })

  it('a name taken between the look and the upload: the same bytes are already present, others become "name (2)"', async () => {
    const path = await writeBackup(tempDir('od'), 'raced.tar.xz', LARGE, 26)
    const bytes = await readFile(path)
    const planting =
      (planted: Buffer): FetchFn =>
      async (url, init) => {
        if (
          String(url).endsWith('/createUploadSession') &&
          !emulator.stored(`${FOLDER}/raced.tar.xz`)
        )
          emulator.drive.put({
            path: `${FOLDER}/raced.tar.xz`,
            name: 'raced.tar.xz',
            isFolder: false,
            bytes: planted,
          })
        return fetch(url, init)
      }
    const same = await withConnection((c) => upload(c, path, { fetch: planting(bytes) }))
    expect(same).toMatchObject({
      remotePath: `${FOLDER}/raced.tar.xz`,
      alreadyPresent: true,
      renamed: false,
    })

    emulator.drive.remove(`${FOLDER}/raced.tar.xz`)
    const different = await withConnection((c) =>
      upload(c, path, { fetch: planting(Buffer.from('other')) }),
    )
    expect(different).toMatchObject({
      remotePath: `${FOLDER}/raced (2).tar.xz`,
      renamed: true,
      alreadyPresent: false,
    })
    await expectStored(different, path)
  })

  it('fails with insufficient_space when OneDrive answers 507, sending no file bytes', async () => {
    const path = await writeBackup(tempDir('od'), 'full.tar.xz', LARGE, 27)
    const quota = emulator.usedBytes() + 1000
    emulator.setQuotaBytes(quota)
    const from = emulator.requests.length
    try {
      await expect(withConnection((c) => upload(c, path))).rejects.toMatchObject({
        code: 'insufficient_space',
      })
    } finally {
      emulator.setQuotaBytes(1024 ** 4)
    }
    expect(uploadRequests(from)).toEqual([])
  })

  it('renews an expired token with the rotated refresh token each time: the new one is stored', async () => {
    for (const [i, seed] of [28, 29].entries()) {
      emulator.identity.expireAccessTokens()
      const path = await writeBackup(tempDir('od'), `renewed-${i}.tar.xz`, 1000, seed)
      const placed = await withConnection((c) => upload(c, path))
      await expectStored(placed, path)
    }
    const used = emulator.identity.refreshed
    expect(used.length).toBeGreaterThanOrEqual(2)
    expect(new Set(used).size).toBe(used.length)
  })
})
