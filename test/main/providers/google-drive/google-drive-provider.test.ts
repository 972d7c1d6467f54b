import { readFile, rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isAppError } from '../../../../src/shared/app-error.ts'
import {
  openConnection,
  sourceFile,
  type Home,
  type OpenConnection,
} from '../../../conformance/conformance-steps.ts'
import type { GdriveEmulator } from '../../../emulators/gdrive/index.ts'
import { MIB, writeBackup } from '../../../support/backup-files.ts'
import { tempDir } from '../../../support/cli-process.ts'
import {
  configureGoogle,
  connectGoogle,
  GOOGLE_CLIENT_ID,
  googleEnv,
  startGoogle,
} from '../../../support/gdrive-fixture.ts'
import { writeSettings } from '../../../support/upload-fixture.ts'

const TEST_MS = 60_000
const TARGET = '/Fermentrack Backups'

let emulator: GdriveEmulator
let home: Home
let dir: string

beforeAll(async () => {
  emulator = await startGoogle()
  const env = googleEnv(emulator)
  await configureGoogle(env)
  const connectionId = await connectGoogle(env)
  writeSettings(env.FTB_HOME!, { chunkSize: 4 * MIB, adaptiveChunkSize: false })
  home = { env, home: env.FTB_HOME!, connectionId }
  dir = tempDir('gdrive')
}, TEST_MS)
afterAll(async () => {
  await emulator?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

const since = (from: number) => emulator.requests.slice(from)

type Uploader = ReturnType<OpenConnection['provider']['uploader']>

/** Starts an upload and stops it once Drive confirmed 4 MiB; the resume state it saved. */
async function interruptAfter4Mib(uploader: Uploader, path: string, folder: string) {
  let saved: unknown
  const stop = new AbortController()
  const first = uploader.upload(await sourceFile(path), folder, {
    signal: stop.signal,
    onProgress: (done) => done >= 4 * MIB && stop.abort(new Error('stopped')),
    resume: undefined,
    saveResume: (state) => (saved = state),
  })
  await expect(first).rejects.toThrow()
  expect(saved).toMatchObject({ offset: 4 * MIB })
  return saved
}

/** The same upload from the saved state, as the queue runs it after a restart. */
async function resumeFrom(uploader: Uploader, path: string, folder: string, saved: unknown) {
  return uploader.upload(await sourceFile(path), folder, {
    signal: new AbortController().signal,
    onProgress: () => {},
    resume: saved,
    saveResume: () => {},
  })
}

describe('Google Drive provider against the strict emulator', () => {
  it('made the target folder at connect, marked with appProperties, and remembers its id', async () => {
    const folder = emulator.fileAt(TARGET)!
    expect(folder.mimeType).toBe('application/vnd.google-apps.folder')
    expect(folder.appProperties).toEqual({ fermentrackBackup: 'folder' })
    const c = await openConnection(home)
    try {
      expect(c.credentials.config.folderId).toBe(folder.id)
    } finally {
      await c.close()
    }
  })

  it('finds the target folder again after the user moved it, and makes no second one', async () => {
    const folder = emulator.fileAt(TARGET)!
    const elsewhere = emulator.store.create(
      { name: 'Archive', mimeType: folder.mimeType, parents: ['root'], appProperties: {} },
      GOOGLE_CLIENT_ID,
      null,
    )
    folder.parents = [elsewhere.id]
    const c = await openConnection(home)
    try {
      const path = await writeBackup(dir, 'moved.tar.xz', 1000, 2)
      await c.upload(path)
      expect(emulator.fileAt('/Archive/Fermentrack Backups/moved.tar.xz')).toBeDefined()
      expect(emulator.fileAt(TARGET)).toBeUndefined()
    } finally {
      folder.parents = [emulator.store.rootId]
      await c.close()
    }
  })

  it('finds the target folder by name and its mark when the remembered id is gone, and makes no second one', async () => {
    const folder = emulator.fileAt(TARGET)!
    const c = await openConnection(home)
    try {
      const forgotten = {
        ...c.credentials,
        config: { folderId: 'no-such-id', folderName: 'Fermentrack Backups' },
      }
      const uploader = c.provider.uploader(forgotten, c.context)
      const path = await writeBackup(dir, 'found.tar.xz', 1500, 9)
      await uploader.upload(await sourceFile(path), TARGET, {
        signal: new AbortController().signal,
        onProgress: () => {},
        resume: undefined,
        saveResume: () => {},
      })
      expect(emulator.store.files.get(emulator.fileAt(`${TARGET}/found.tar.xz`)!.parents[0]!)).toBe(
        folder,
      )
      const folders = [...emulator.store.files.values()].filter(
        (f) => f.name === 'Fermentrack Backups',
      )
      expect(folders).toHaveLength(1)
    } finally {
      await c.close()
    }
  })

  it("does not see another app's file of the same name (drive.file): the upload keeps its name", async () => {
    const folder = emulator.fileAt(TARGET)!
    const foreign = emulator.addForeignFile('theirs.tar.xz', Buffer.from('not ours'), folder.id)
    const c = await openConnection(home)
    try {
      const placed = await c.upload(await writeBackup(dir, 'theirs.tar.xz', 2000, 3))
      expect(placed.remotePath).toBe(`${TARGET}/theirs.tar.xz`)
      expect(placed.renamed).toBe(false)
      const listed = await c.provider.list(c.credentials, TARGET, c.context)
      expect(listed.filter((e) => e.name === 'theirs.tar.xz')).toHaveLength(1)
      expect(emulator.store.files.get(foreign.id)!.content!.toString()).toBe('not ours')
    } finally {
      await c.close()
    }
  })

  it(
    'sizes chunks from the measured rate: after the first 4 MiB the rest go in larger chunks on 256 KiB multiples',
    async () => {
      writeSettings(home.home, { adaptiveChunkSize: true })
      const c = await openConnection(home)
      try {
        const from = emulator.requests.length
        const path = await writeBackup(dir, 'adaptive.tar.xz', 40 * MIB + 123, 7)
        const placed = await c.upload(path)
        const lengths = since(from)
          .filter((r) => r.method === 'PUT' && r.path.startsWith('/upload/'))
          .map((r) => r.bytes)
        // Loopback moves far more than 4 MiB in 4 s, so the sizer grows the chunks.
        expect(lengths[0]).toBe(4 * MIB)
        expect(Math.max(...lengths.slice(1))).toBeGreaterThan(4 * MIB)
        for (const length of lengths.slice(0, -1)) expect(length % (256 * 1024)).toBe(0)
        expect(emulator.fileAt(placed.remotePath)!.content!.equals(await readFile(path))).toBe(true)
      } finally {
        writeSettings(home.home, { adaptiveChunkSize: false })
        await c.close()
      }
    },
    TEST_MS,
  )

  it(
    'renews an expired access token once and replays the call',
    async () => {
      const c = await openConnection(home)
      try {
        emulator.oauth.expireAccessTokens()
        const from = emulator.requests.length
        const placed = await c.upload(await writeBackup(dir, 'renewed.tar.xz', 3000, 4))
        expect(placed.alreadyPresent).toBe(false)
        const seen = since(from).map((r) => `${r.method} ${r.path} ${r.status}`)
        expect(seen).toContain('POST /token 200')
        expect(seen.some((line) => line.endsWith(' 401'))).toBe(true)
      } finally {
        await c.close()
      }
    },
    TEST_MS,
  )

  it(
    'waits out 429, 403 userRateLimitExceeded and 503, then completes the upload',
    async () => {
      const c = await openConnection(home)
      try {
        emulator.failNext('rate_limit_429', '/upload/')
        emulator.failNext('user_rate_limit_403', '/upload/')
        emulator.failNext('server_error_503', '/upload/')
        const from = emulator.requests.length
        const path = await writeBackup(dir, 'limited.tar.xz', 4000, 5)
        const placed = await c.upload(path)
        const statuses = since(from)
          .filter((r) => r.path.startsWith('/upload/'))
          .map((r) => r.status)
        expect(statuses).toEqual([429, 403, 503, 200])
        expect(emulator.fileAt(placed.remotePath)!.content!.equals(await readFile(path))).toBe(true)
      } finally {
        await c.close()
      }
    },
    TEST_MS,
  )

  it(
    'goes on in the saved session after an interruption, sending only the rest, and starts a fresh session when it expired',
    async () => {
      const size = 9 * MIB + 77
      const path = await writeBackup(dir, 'big.tar.xz', size, 6)
      const c = await openConnection(home)
      try {
        const uploader = c.provider.uploader(c.credentials, c.context)
        const saved = await interruptAfter4Mib(uploader, path, c.folder)
        const before = emulator.uploadBytes()
        const from = emulator.requests.length
        const again = await resumeFrom(uploader, path, c.folder, saved)
        expect(emulator.uploadBytes() - before).toBe(size - 4 * MIB)
        expect(
          since(from).some((r) => r.contentRange === `bytes */${size}` && r.status === 308),
        ).toBe(true)
        expect(emulator.fileAt(again.remotePath)!.content!.equals(await readFile(path))).toBe(true)

        // The same again, but the session has expired by the time it resumes.
        const path2 = await writeBackup(dir, 'big2.tar.xz', size, 7)
        const saved2 = await interruptAfter4Mib(uploader, path2, c.folder)
        emulator.uploads.expireAll()
        const from2 = emulator.requests.length
        const fresh = await resumeFrom(uploader, path2, c.folder, saved2)
        const seen = since(from2).map((r) => `${r.method} ${r.contentRange ?? ''} ${r.status}`)
        expect(seen).toContain(`PUT bytes */${size} 404`)
        expect(
          since(from2).filter((r) => r.query.includes('uploadType=resumable&fields')),
        ).toHaveLength(1)
        expect(emulator.fileAt(fresh.remotePath)!.content!.equals(await readFile(path2))).toBe(true)
      } finally {
        await c.close()
      }
    },
    TEST_MS,
  )

  it(
    'counts a same-bytes file that reports only md5Checksum as done with no upload, and puts other bytes in "name (2)"',
    async () => {
      const folder = emulator.fileAt(TARGET)!
      const path = await writeBackup(dir, 'legacy.tar.xz', 2500, 11)
      emulator.addMd5OnlyFile('legacy.tar.xz', await readFile(path), folder.id, GOOGLE_CLIENT_ID)
      const otherDir = tempDir('gdrive-other')
      const differs = await writeBackup(otherDir, 'odd.tar.xz', 2600, 12)
      emulator.addMd5OnlyFile('odd.tar.xz', Buffer.from('older bytes'), folder.id, GOOGLE_CLIENT_ID)
      const c = await openConnection(home)
      try {
        const from = emulator.requests.length
        const same = await c.upload(path)
        expect(same).toMatchObject({ alreadyPresent: true, renamed: false })
        expect(same.checksum.algorithm).toBe('md5')
        expect(same.verifiedBy).toMatch(/MD5/)
        expect(since(from).filter((r) => r.path.startsWith('/upload/'))).toEqual([])
        expect(
          [...emulator.store.files.values()].filter((f) => f.name === 'legacy.tar.xz'),
        ).toHaveLength(1)

        const other = await c.upload(differs)
        expect(other).toMatchObject({ remotePath: `${TARGET}/odd (2).tar.xz`, renamed: true })
        expect(
          emulator.fileAt(`${TARGET}/odd (2).tar.xz`)!.content!.equals(await readFile(differs)),
        ).toBe(true)
        expect(emulator.fileAt(`${TARGET}/odd.tar.xz`)!.content!.toString()).toBe('older bytes')
      } finally {
        await c.close()
        await rm(otherDir, { recursive: true, force: true })
      }
    },
    TEST_MS,
  )

  it(
    'sends a file of at most 5 MB (and one chunk) as one multipart request, with no session',
    async () => {
      const c = await openConnection(home)
      try {
        const from = emulator.requests.length
        const path = await writeBackup(dir, 'small.tar.xz', 3 * MIB, 13)
        const placed = await c.upload(path)
        const uploads = since(from).filter((r) => r.path.startsWith('/upload/'))
        expect(uploads).toHaveLength(1)
        expect(uploads[0]).toMatchObject({ method: 'POST', status: 200 })
        expect(uploads[0]!.query).toContain('uploadType=multipart')
        expect(uploads[0]!.bytes).toBeGreaterThan(3 * MIB)
        expect(since(from).some((r) => r.query.includes('uploadType=resumable'))).toBe(false)
        expect(emulator.fileAt(placed.remotePath)!.content!.equals(await readFile(path))).toBe(true)
      } finally {
        await c.close()
      }
    },
    TEST_MS,
  )

  it(
    'starts a fresh session when the saved one answers 410 Gone at resume, and stores the file once, byte-exact',
    async () => {
      const size = 9 * MIB + 31
      const path = await writeBackup(dir, 'ended.tar.xz', size, 14)
      const c = await openConnection(home)
      try {
        const uploader = c.provider.uploader(c.credentials, c.context)
        const saved = await interruptAfter4Mib(uploader, path, c.folder)
        emulator.uploads.endAll()
        const from = emulator.requests.length
        const placed = await resumeFrom(uploader, path, c.folder, saved)
        const seen = since(from).map((r) => `${r.method} ${r.contentRange ?? ''} ${r.status}`)
        expect(seen).toContain(`PUT bytes */${size} 410`)
        expect(
          since(from).filter((r) => r.query.includes('uploadType=resumable&fields')),
        ).toHaveLength(1)
        expect(placed).toMatchObject({ remotePath: `${TARGET}/ended.tar.xz`, renamed: false })
        expect(emulator.fileAt(placed.remotePath)!.content!.equals(await readFile(path))).toBe(true)
        expect(
          [...emulator.store.files.values()].filter((f) => f.name.startsWith('ended')),
        ).toHaveLength(1)
      } finally {
        await c.close()
      }
    },
    TEST_MS,
  )

  it('maps a full Drive to insufficient_space and a revoked grant to needs_reauth', async () => {
    const c = await openConnection(home)
    const quota = emulator.store.quotaBytes
    try {
      emulator.store.quotaBytes = emulator.store.usedBytes() + 10
      const full = await c.upload(await writeBackup(dir, 'full.tar.xz', 5000, 8)).catch((e) => e)
      expect(isAppError(full, 'insufficient_space')).toBe(true)
      emulator.store.quotaBytes = quota
      await c.provider.disconnect(c.credentials, c.context)
      expect(emulator.requests.at(-1)).toMatchObject({ path: '/revoke', status: 200 })
      emulator.oauth.expireAccessTokens()
      const revoked = await c.provider.account(c.credentials, c.context).catch((e) => e)
      expect(isAppError(revoked, 'needs_reauth')).toBe(true)
    } finally {
      emulator.store.quotaBytes = quota
      await c.close()
    }
  })
})
