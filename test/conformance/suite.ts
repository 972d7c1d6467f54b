import { existsSync, readdirSync } from 'node:fs'
import { readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MIB, writeBackup } from '../support/backup-files.ts'
import { startCli, tempDir } from '../support/cli-process.ts'
import { waitWhileRunning } from '../support/wait-for.ts'
import {
  connectionStatus,
  expectChecksumOf,
  independentChecksum,
  openConnection,
  storedRefreshToken,
  type OpenConnection,
  siblingOf,
  restoreThroughCli,
  sourceFile,
  uploadThroughCli,
  type Home,
} from './conformance-steps.ts'
import type { ConformanceServer, ConformanceTarget, UnsupportedCheck } from './harness.ts'

/** A few round trips of the CLI and the server each; the large file dominates. */
const TEST_MS = 90_000
const SMALL = 256 * 1024
/** A repeat of known content may cost requests (a metadata look-up), never content. */
const NO_OP_BYTES = SMALL / 8

/**
 * The behaviour every provider must show, against its own server, in the manner of rclone's
 * fstests: each test asserts on what the server stored (ConformanceServer.stored) or received,
 * never on the client's own account of it. A provider joins with one file that calls this.
 */
export function describeConformance(target: ConformanceTarget): void {
  describe(`conformance: ${target.name}`, () => {
    let server: ConformanceServer
    let home: Home
    let backups: string
    /** A remote path on this server, so a file that must not be there has a path to look at. */
    let known: string | undefined

    beforeAll(async () => {
      server = await target.start()
      home = await server.connectHome()
      backups = tempDir('conformance')
    }, TEST_MS)
    afterAll(async () => {
      await server?.close()
      if (backups) await rm(backups, { recursive: true, force: true })
    })

    /** Runs `test` with the connection the engine opens for the queue. */
    async function withConnection<T>(test: (c: OpenConnection) => Promise<T>): Promise<T> {
      const connection = await openConnection(home)
      try {
        return await test(connection)
      } finally {
        await connection.close()
      }
    }

    async function expectStored(remotePath: string | null, local: string) {
      expect(remotePath, 'a remote path').toBeTruthy()
      const stored = await server.stored(remotePath!)
      expect(stored, `${remotePath} at the server`).toBeDefined()
      expect(stored!.equals(await readFile(local)), `${remotePath} holds the local bytes`).toBe(
        true,
      )
    }

    it(
      'uploads a small and a large file through `upload`: the server holds the same bytes, and the job says how it checked them',
      async () => {
        const small = await writeBackup(backups, 'small.tar.xz', SMALL, 1)
        const large = await writeBackup(dir('large'), 'large.tar.xz', server.largeFileBytes, 2)

        const { code, stderr, reports } = await uploadThroughCli(home, small, large)

        expect(code, stderr).toBe(0)
        expect(reports.map((r) => r.status)).toEqual(['done', 'done'])
        for (const [i, local] of [small, large].entries()) {
          const report = reports[i]!
          await expectStored(report.remote_path, local)
          expectChecksumOf(await readFile(local), {
            algorithm: report.checksum_algorithm,
            value: report.content_hash,
            verifiedBy: report.verified_by,
          })
        }
        known = reports[0]!.remote_path!
      },
      TEST_MS,
    )

    it(
      'uploads an empty file through the provider: the server holds an empty file',
      async () => {
        const empty = await writeBackup(dir('empty'), 'empty.tar.xz', 0)
        const placed = await withConnection((c) => c.upload(empty))
        expect(placed).toMatchObject({ size: 0, renamed: false, alreadyPresent: false })
        expect(await server.stored(placed.remotePath)).toEqual(Buffer.alloc(0))
        expectChecksumOf(Buffer.alloc(0), { ...placed.checksum, verifiedBy: placed.verifiedBy })
      },
      TEST_MS,
    )

    it(
      'finds the same content already under the name and sends none of it again',
      async () => {
        const first = await writeBackup(dir('same-1'), 'same.tar.xz', SMALL, 3)
        const again = await writeBackup(dir('same-2'), 'same.tar.xz', SMALL, 3)
        await withConnection(async (c) => {
          const placed = await c.upload(first)
          const before = server.bytesReceived()

          const repeat = await c.upload(again)

          expect(repeat).toMatchObject({
            remotePath: placed.remotePath,
            alreadyPresent: true,
            renamed: false,
            checksum: placed.checksum,
          })
          expect(server.bytesReceived() - before).toBeLessThan(NO_OP_BYTES)
          await expectStored(placed.remotePath, first)
          expect(await server.stored(siblingOf(placed.remotePath, 'same (2).tar.xz'))).toBe(
            undefined,
          )
        })
      },
      TEST_MS,
    )

    it(
      'keeps a different file with the same name as "name (2).tar.xz", beside the first',
      async () => {
        const first = await writeBackup(dir('keep-1'), 'kept.tar.xz', SMALL, 4)
        const second = await writeBackup(dir('keep-2'), 'kept.tar.xz', SMALL + 1, 5)

        const one = await uploadThroughCli(home, first)
        const two = await uploadThroughCli(home, second)

        expect([one.code, two.code], one.stderr + two.stderr).toEqual([0, 0])
        const [placed] = one.reports
        expect(two.reports[0]!.remote_path).toBe(siblingOf(placed!.remote_path!, 'kept (2).tar.xz'))
        await expectStored(placed!.remote_path, first)
        await expectStored(two.reports[0]!.remote_path, second)
      },
      TEST_MS,
    )

    it(
      'after kill -9 in the middle of the large file, the next `upload` completes it (resuming where the protocol allows)',
      async () => {
        const size = server.largeFileBytes
        const path = await writeBackup(dir('killed'), 'interrupted.tar.xz', size, 6)
        const before = server.bytesReceived()
        // Past the middle, so that starting over would cost clearly more than 1.5 × size.
        const killAt = before + Math.ceil(size * 0.6)
        const release = server.holdAt?.(killAt)
        const first = startCli(
          ['upload', path, '--connection', home.connectionId, '--json'],
          home.env,
        )
        first.child.stdin.end()
        const killedAt = await waitWhileRunning(
          first,
          () => server.bytesReceived() >= killAt && server.bytesReceived(),
          { what: '60% of the large file at the server', intervalMs: 2, timeoutMs: TEST_MS },
        ).finally(async () => {
          first.child.kill('SIGKILL')
          await first.done
          release?.()
        })
        // Some, but not all: otherwise this would test nothing.
        expect(killedAt - before).toBeLessThan(size)

        const second = await uploadThroughCli(home, path)

        expect(second.code, second.stderr).toBe(0)
        expect(second.reports[0]).toMatchObject({ status: 'done' })
        await expectStored(second.reports[0]!.remote_path, path)
        const sent = server.bytesReceived() - before
        // Starting over would send the 60% before the kill and then the whole file: 1.6 × size at
        // least. Resuming sends the whole file plus at most the request in flight at the kill.
        if (server.resumesAfterRestart) expect(sent).toBeLessThan(1.5 * size)
        else expect(sent).toBeGreaterThanOrEqual(size)
      },
      TEST_MS,
    )

    it(
      'reports a source file that vanished before its upload as file_missing, and stores nothing',
      async () => {
        const path = await writeBackup(dir('vanished'), 'vanished.tar.xz', SMALL, 7)
        const source = await sourceFile(path)
        await rm(path)
        await withConnection(async (c) => {
          const upload = c.uploadSource(source)
          await expect(upload).rejects.toMatchObject({ code: 'file_missing' })
        })
        expect(await server.stored(siblingOf(await knownPath(), 'vanished.tar.xz'))).toBe(undefined)
      },
      TEST_MS,
    )

    it(
      'lists an uploaded backup with its size, and a planted file and folder as what they are',
      async () => {
        const path = await writeBackup(dir('listed'), 'listed.tar.xz', SMALL + 7, 8)
        const notes = join(dir('planted'), 'notes.txt')
        await writeFile(notes, 'not a backup\n')
        const inFolder = join(dir('planted-folder'), 'inside.txt')
        await writeFile(inFolder, 'in a folder of its own\n')
        await withConnection(async (c) => {
          const placed = await c.upload(path)
          const planted = await c.upload(notes)
          // Uploading into a subfolder makes it, as any other client of the server would.
          await c.uploadTo(inFolder, `${c.folder.replace(/\/$/, '')}/Other things`)
          expect(await server.stored(planted.remotePath), 'the planted file').toBeDefined()

          const listed = await c.provider.list(c.credentials, c.folder, c.context)

          // Where the upload's remote path is said the same way (a local folder gives its own).
          expect(listed.find((e) => e.name === 'listed.tar.xz')).toMatchObject({
            path: expect.stringMatching(/\/listed\.tar\.xz$/),
            size: SMALL + 7,
            isFolder: false,
          })
          expect(await server.stored(placed.remotePath)).toBeDefined()
          expect(listed.find((e) => e.name === 'notes.txt')).toMatchObject({
            size: 'not a backup\n'.length,
            isFolder: false,
          })
          expect(listed.find((e) => e.name === 'Other things')).toMatchObject({ isFolder: true })
          expect(listed.map((e) => e.name)).not.toContain('inside.txt')
        })
      },
      TEST_MS,
    )

    it(
      'downloads a file whole: the bytes the server stored, with progress up to its size',
      async () => {
        const path = await writeBackup(dir('whole'), 'whole.tar.xz', SMALL + 3, 13)
        await withConnection(async (c) => {
          const placed = await c.upload(path)
          const remote = await listedPath(c, 'whole.tar.xz')
          const copy = join(dir('whole-copy'), 'copy.tar.xz')
          const asked = server.downloadRanges?.().length ?? 0
          const progress: number[] = []

          await c.provider.download(c.credentials, remote, copy, c.context, {
            onProgress: (done) => progress.push(done),
          })

          const stored = await server.stored(placed.remotePath)
          expect((await readFile(copy)).equals(stored!), 'byte-identical').toBe(true)
          expect(progress.at(-1)).toBe(SMALL + 3)
          if (server.downloadRanges)
            expect(server.downloadRanges().slice(asked)).toEqual([undefined])
        })
      },
      TEST_MS,
    )

    it(
      'resumes a download from an offset: only the rest is asked for and appended, the result is byte-identical',
      async () => {
        const size = SMALL + 11
        const path = await writeBackup(dir('resumed'), 'resumed.tar.xz', size, 14)
        const offset = Math.floor(size * 0.6)
        await withConnection(async (c) => {
          const placed = await c.upload(path)
          const remote = await listedPath(c, 'resumed.tar.xz')
          const stored = (await server.stored(placed.remotePath))!
          const copy = join(dir('resumed-copy'), 'copy.tar.xz')
          await writeFile(copy, stored.subarray(0, offset))
          const asked = server.downloadRanges?.().length ?? 0
          const progress: number[] = []

          await c.provider.download(c.credentials, remote, copy, c.context, {
            offset,
            onProgress: (done) => progress.push(done),
          })

          expect((await readFile(copy)).equals(stored), 'byte-identical').toBe(true)
          expect(progress.at(-1)).toBe(size)
          expect(Math.min(...progress)).toBeGreaterThan(offset)
          if (server.downloadRanges)
            expect(server.downloadRanges().slice(asked)).toEqual([`bytes=${offset}-`])

          // Kept bytes that differ from the server's show that they were kept, not fetched again;
          // a provider that checks the whole download (Dropbox's content hash) refuses them.
          await writeFile(copy, Buffer.alloc(offset, 0x5a))
          const again = c.provider.download(c.credentials, remote, copy, c.context, { offset })
          if (c.provider.downloadCheck) {
            await expect(again).rejects.toMatchObject({ code: 'verification_failed' })
            expect(existsSync(copy), 'a copy that failed its check is deleted').toBe(false)
          } else {
            await again
            const appended = Buffer.concat([Buffer.alloc(offset, 0x5a), stored.subarray(offset)])
            expect((await readFile(copy)).equals(appended), 'appended after the kept part').toBe(
              true,
            )
          }

          // From the end there is nothing left: the file stays as it is.
          await writeFile(copy, stored)
          await c.provider.download(c.credentials, remote, copy, c.context, {
            offset: size,
          })
          expect((await readFile(copy)).equals(stored)).toBe(true)
        })
      },
      TEST_MS,
    )

    it(
      'stops a download on abort, keeping what was written, and a resume from there completes it',
      async () => {
        const size = 2 * MIB + 5
        const path = await writeBackup(dir('aborted'), 'aborted.tar.xz', size, 15)
        await withConnection(async (c) => {
          const placed = await c.upload(path)
          const remote = await listedPath(c, 'aborted.tar.xz')
          const copy = join(dir('aborted-copy'), 'copy.tar.xz')
          const abort = new AbortController()
          const reason = new Error('stopped by the test')

          const download = c.provider.download(c.credentials, remote, copy, c.context, {
            signal: abort.signal,
            onProgress: () => abort.abort(reason),
          })

          await expect(download).rejects.toBe(reason)
          const kept = (await stat(copy)).size
          expect(kept).toBeGreaterThan(0)
          expect(kept).toBeLessThan(size)
          await c.provider.download(c.credentials, remote, copy, c.context, {
            offset: kept,
          })
          const stored = (await server.stored(placed.remotePath))!
          expect((await readFile(copy)).equals(stored), 'byte-identical').toBe(true)
        })
      },
      TEST_MS,
    )

    it.skipIf(skipped('listedChecksum'))(
      `lists the checksum the server keeps, equal to the checksum of the stored bytes${reason('listedChecksum')}`,
      async () => {
        const path = await writeBackup(dir('checksum'), 'checksum.tar.xz', SMALL + 5, 16)
        await withConnection(async (c) => {
          const placed = await c.upload(path)
          const listed = await c.provider.list(c.credentials, c.folder, c.context)
          const checksum = listed.find((e) => e.name === 'checksum.tar.xz')?.checksum
          const stored = (await server.stored(placed.remotePath))!

          expect(checksum, 'a listed checksum').toBeDefined()
          expect(checksum!.value).toBe(independentChecksum(checksum!.algorithm, stored))
          // The name the upload recorded, so a restore can compare the two.
          expect(checksum!.algorithm).toBe(placed.checksum.algorithm)
        })
      },
      TEST_MS,
    )

    it(
      'removes a file: the server no longer holds it, and removing it again is no error',
      async () => {
        const path = await writeBackup(dir('removed'), 'removed.tar.xz', SMALL, 17)
        await withConnection(async (c) => {
          const placed = await c.upload(path)
          const remote = await listedPath(c, 'removed.tar.xz')
          expect(await server.stored(placed.remotePath)).toBeDefined()

          await c.provider.remove(c.credentials, remote, c.context)

          expect(await server.stored(placed.remotePath)).toBeUndefined()
          const after = await c.provider.list(c.credentials, c.folder, c.context)
          expect(after.map((e) => e.name)).not.toContain('removed.tar.xz')
          // The port's contract: a file already gone is removed (retention may race a user).
          await expect(c.provider.remove(c.credentials, remote, c.context)).resolves.toBeUndefined()
        })
      },
      TEST_MS,
    )

    it(
      'restores an uploaded backup through `restore --json`: the file on disk is byte-identical',
      async () => {
        const name = 'dbBackup-Fermentrack_2026-03-01T08.00.00.tar.xz'
        const path = await writeBackup(dir('restore-source'), name, SMALL + 9, 18)
        const upload = await uploadThroughCli(home, path)
        expect(upload.code, upload.stderr).toBe(0)
        const toDir = dir('restored')

        const { code, stderr, report } = await restoreThroughCli(home, name, toDir)

        // Our own upload recorded a checksum, and every provider's restore checks against one:
        // exit 0 and verified, never the size-only exit 3.
        expect(code, stderr).toBe(0)
        expect(report?.verified, report?.verified_by).toBe(true)
        expect(report?.remote_path).toMatch(new RegExp(`/${name.replace(/\./g, '\\.')}$`))
        expect(report?.verified_by).toMatch(/\S/)
        const stored = await server.stored(upload.reports[0]!.remote_path!)
        expect((await readFile(report!.local_path)).equals(stored!), 'byte-identical').toBe(true)
        expect((await readFile(report!.local_path)).equals(await readFile(path))).toBe(true)
        expect(readdirSync(toDir)).toEqual([name])
      },
      TEST_MS,
    )

    it.skipIf(skipped('fullAccount'))(
      `fails an upload to a full account with insufficient_space, leaving nothing at the name${reason('fullAccount')}`,
      async () => {
        await onFreshServer(async (fresh, freshHome, canary) => {
          if (!fresh.fillAccount)
            throw new Error(`${target.name}: say why in unsupported.fullAccount`)
          await fresh.fillAccount()
          const path = await writeBackup(dir('full'), 'no-room.tar.xz', SMALL, 9)

          const { code, reports } = await uploadThroughCli(freshHome, path)

          expect(code).toBe(1)
          expect(reports[0]).toMatchObject({
            status: 'failed',
            error: { code: 'insufficient_space' },
          })
          expect(await fresh.stored(siblingOf(canary, 'no-room.tar.xz'))).toBeUndefined()
        })
      },
      TEST_MS,
    )

    it.skipIf(skipped('revokedCredentials'))(
      `pauses the connection when its credentials are revoked (needs_reauth): the upload waits, nothing is stored${reason('revokedCredentials')}`,
      async () => {
        await onFreshServer(async (fresh, freshHome, canary) => {
          await fresh.revokeCredentials()
          const path = await writeBackup(dir('revoked'), 'refused.tar.xz', SMALL, 10)

          const { code, reports } = await uploadThroughCli(freshHome, path)

          expect(code).toBe(1)
          expect(reports[0]).toMatchObject({ status: 'queued', error: { code: 'needs_reauth' } })
          expect(await connectionStatus(freshHome)).toBe('needs_reauth')
          expect(await fresh.stored(siblingOf(canary, 'refused.tar.xz'))).toBeUndefined()
        })
      },
      TEST_MS,
    )

    it.skipIf(skipped('accessTokenExpiry'))(
      `renews an expired access token with the stored refresh token at the next upload, which then stores the file${reason('accessTokenExpiry')}`,
      async () => {
        const tokens = server.accessTokens
        expect(tokens, 'how this server expires its access tokens').toBeDefined()
        const refreshToken = storedRefreshToken(home)
        const before = tokens!.refreshedWith().length
        tokens!.expire()
        const path = await writeBackup(dir('renewed'), 'renewed.tar.xz', SMALL, 13)

        const { code, stderr, reports } = await uploadThroughCli(home, path)

        expect(code, stderr).toBe(0)
        expect(reports[0]).toMatchObject({ status: 'done' })
        const used = tokens!.refreshedWith().slice(before)
        expect(used.length, 'refresh grants at the token endpoint').toBeGreaterThan(0)
        expect(used[0], 'the refresh token the connection stored').toBe(refreshToken)
        await expectStored(reports[0]!.remote_path, path)
      },
      TEST_MS,
    )

    /** The path `list` gives a file in the queue's folder, as download and remove take it. */
    async function listedPath(c: OpenConnection, name: string): Promise<string> {
      const listed = await c.provider.list(c.credentials, c.folder, c.context)
      const entry = listed.find((e) => e.name === name)
      expect(entry, `${name} listed`).toBeDefined()
      return entry!.path
    }

    /** A fresh folder of backups (one per file name, so names can repeat across folders). */
    function dir(name: string): string {
      return tempDir(`conformance-${name}`)
    }

    /** A remote path on the shared server, uploading a first file if no test has yet. */
    async function knownPath(): Promise<string> {
      if (known) return known
      const path = await writeBackup(dir('known'), 'known.tar.xz', SMALL, 11)
      known = (await withConnection((c) => c.upload(path))).remotePath
      return known
    }

    /**
     * A test that spoils its server gets its own, connected, with one backup uploaded through
     * the CLI first: that proves the connection worked, and gives a remote path to look beside.
     */
    async function onFreshServer(
      test: (server: ConformanceServer, home: Home, canary: string) => Promise<void>,
    ) {
      const fresh = await target.start()
      try {
        const freshHome = await fresh.connectHome()
        const canary = await writeBackup(dir('canary'), 'canary.tar.xz', SMALL, 12)
        const { code, stderr, reports } = await uploadThroughCli(freshHome, canary)
        expect(code, stderr).toBe(0)
        await test(fresh, freshHome, reports[0]!.remote_path!)
      } finally {
        await fresh.close()
      }
    }
  })

  function skipped(check: UnsupportedCheck): boolean {
    return target.unsupported?.[check] !== undefined
  }

  function reason(check: UnsupportedCheck): string {
    const why = target.unsupported?.[check]
    return why === undefined ? '' : ` — skipped: ${why}`
  }
}
