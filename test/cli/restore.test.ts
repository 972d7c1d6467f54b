import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import type { RemoteBackup } from '../../src/main/restore/backup-listing.ts'
import { partialPath } from '../../src/main/restore/partial-download.ts'
import { MIB, writeBackup } from '../support/backup-files.ts'
import { runCli, startCli, tempDirsPerTest, type CliResult } from '../support/cli-process.ts'
import {
  dropboxHome,
  stderrBeyondWarnings,
  writeSettings,
  type DropboxHome,
} from '../support/upload-fixture.ts'
import { startCountingProxy } from '../support/counting-proxy.ts'
import { waitFor } from '../support/wait-for.ts'
import { connectWebdav, startRclone, type WebdavServer } from '../support/webdav-servers.ts'

// Several real CLI processes per test on a busy two-core machine.
vi.setConfig({ testTimeout: 120_000 })

const REMOTE = 'Fermentrack Backups'
const OLDER = 'dbBackup-Fermentrack_2026-03-01T08.00.00.tar.xz'
const NEWER = 'dbBackup-Fermentrack_2026-03-02T08.00.00.tar.xz'

interface Destination {
  env: NodeJS.ProcessEnv
  connectionId: string
  /** The remote backups folder, as the port names it. */
  folder: string
  /** The file as the server stores it, on its disk. */
  storedPath(name: string): string
  close(): Promise<void>
}

/** The CLI's JSON contract is the engine's type. */
type Listed = RemoteBackup

const dir = tempDirsPerTest()

async function localFolder(): Promise<Destination> {
  const nas = dir('restore-nas')
  const env = { FTB_HOME: join(dir('restore-home'), 'home'), FTB_LOCAL_DESTINATION: nas }
  return {
    env: { ...env, DROPBOX_APP_KEY: '' },
    connectionId: 'local',
    folder: `/${REMOTE}`,
    storedPath: (name) => join(nas, REMOTE, name),
    close: async () => {},
  }
}

let rclone: WebdavServer | undefined
let webdavTests = 0
async function webdav(): Promise<Destination> {
  rclone ??= await startRclone()
  const server = rclone
  const env = { FTB_HOME: dir('restore-webdav-home'), FTB_SECRET_STORE: 'file' }
  const connectionId = await connectWebdav(server, env)
  // One server for the file's tests: each test has a remote folder of its own.
  const folder = `Restore ${++webdavTests}`
  writeSettings(env.FTB_HOME, { remoteFolder: `/${folder}` })
  return {
    env,
    connectionId,
    folder: `/${folder}`,
    storedPath: (name) => join(server.root, folder, name),
    close: async () => {},
  }
}
afterAll(async () => {
  await rclone?.close()
})

async function dropbox(): Promise<Destination> {
  const home: DropboxHome = await dropboxHome()
  return {
    env: home.env,
    connectionId: home.connectionId,
    folder: `/${REMOTE}`,
    storedPath: (name) => {
      const file = [...home.emulator.files().values()].find((f) => f.name === name)
      if (!file) throw new Error(`the emulator holds no ${name}`)
      return file.localPath
    },
    close: () => home.close(),
  }
}

function json<T>(result: CliResult): T {
  expect(result.code, result.stderr).toBe(0)
  return JSON.parse(result.stdout) as T
}

/** Uploads the older backup first, so the server's times would order them the other way. */
async function uploadTwo(destination: Destination): Promise<Record<string, string>> {
  const source = dir('restore-source')
  const paths: Record<string, string> = {}
  for (const [seed, name] of [NEWER, OLDER].entries()) {
    paths[name] = await writeBackup(source, name, 300_000 + seed * 1000, 11 + seed)
    const uploaded = await runCli(
      ['upload', paths[name]!, '--connection', destination.connectionId, '--json'],
      destination.env,
    )
    expect(uploaded.code, uploaded.stderr).toBe(0)
  }
  return paths
}

const DESTINATIONS = [
  { name: 'the local folder', open: localFolder },
  { name: 'WebDAV (rclone)', open: webdav },
  { name: 'the Dropbox emulator', open: dropbox },
]

describe.each(DESTINATIONS)('backups and restore at $name', ({ open }) => {
  let destination: Destination
  afterEach(async () => {
    await destination?.close()
  })

  it('lists only backups, newest first by the name, marked as ours with our checksum', async () => {
    destination = await open()
    await uploadTwo(destination)
    // A file beside them that is no backup: never listed.
    if (!destination.connectionId.startsWith('dropbox')) {
      const notes = destination.storedPath('notes.txt')
      mkdirSync(join(notes, '..'), { recursive: true })
      writeFileSync(notes, 'hop schedule\n')
    }
    const listed = json<Listed[]>(
      await runCli(
        ['backups', '--connection', destination.connectionId, '--json'],
        destination.env,
      ),
    )
    expect(listed.map((b) => b.name)).toEqual([NEWER, OLDER])
    for (const backup of listed) {
      expect(backup).toMatchObject({
        connection_id: destination.connectionId,
        path: `${destination.folder}/${backup.name}`,
        uploaded_by_us: true,
      })
      expect(backup.content_hash).toMatch(/^[0-9a-f]{64}$/)
    }
    // Without --connection: every destination, the same list here.
    const all = json<Listed[]>(await runCli(['backups', '--json'], destination.env))
    expect(all.map((b) => b.name)).toEqual([NEWER, OLDER])
  })

  it('restores byte-identical, and next to an existing file as "(restored)", never over it', async () => {
    destination = await open()
    const paths = await uploadTwo(destination)
    const to = dir('restore-to')
    const restore = () =>
      runCli(
        ['restore', NEWER, '--connection', destination.connectionId, '--to', to, '--json'],
        destination.env,
      )
    const first = json<{ local_path: string; verified: boolean; verified_by: string }>(
      await restore(),
    )
    expect(first.local_path).toBe(join(to, NEWER))
    // Checked against a checksum: the one the destination keeps, else the one our upload recorded.
    expect(first.verified).toBe(true)
    expect(first.verified_by).toMatch(
      /^(sha256|md5|dropbox-content-hash) (kept by the destination|recorded at upload)$/,
    )
    expect(readFileSync(first.local_path).equals(readFileSync(paths[NEWER]!))).toBe(true)

    writeFileSync(first.local_path, 'the brewer changed this one')
    const second = json<{ local_path: string }>(await restore())
    const marked = NEWER.replace('.tar.xz', ' (restored).tar.xz')
    expect(second.local_path).toBe(join(to, marked))
    expect(readFileSync(join(to, NEWER), 'utf8')).toBe('the brewer changed this one')
    expect(readFileSync(second.local_path).equals(readFileSync(paths[NEWER]!))).toBe(true)
    const third = json<{ local_path: string }>(await restore())
    expect(third.local_path).toBe(join(to, NEWER.replace('.tar.xz', ' (restored 2).tar.xz')))
    expect(readdirSync(to).sort()).toEqual(
      [NEWER, marked, NEWER.replace('.tar.xz', ' (restored 2).tar.xz')].sort(),
    )
  })

  it('continues the partial an earlier restore left: the bytes it kept are not fetched again', async () => {
    destination = await open()
    const paths = await uploadTwo(destination)
    const listed = json<Listed[]>(
      await runCli(
        ['backups', '--connection', destination.connectionId, '--json'],
        destination.env,
      ),
    )
    const backup = listed.find((b) => b.name === NEWER)!
    const original = readFileSync(paths[NEWER]!)
    const to = dir('restore-to')
    // What an interrupted restore of this backup leaves: its first bytes, under its partial name.
    const kept = 100_000
    const partial = partialPath(to, { ...backup, isFolder: false })
    writeFileSync(partial, original.subarray(0, kept))
    // Then the destination's copy changes in exactly those bytes (same size, same time): had the
    // restore fetched them again instead of asking for the rest, the check would refuse the file.
    const stored = destination.storedPath(NEWER)
    const before = statSync(stored)
    const changed = readFileSync(stored)
    for (let i = 1000; i < kept; i += 997) changed[i]! ^= 0xff
    writeFileSync(stored, changed)
    utimesSync(stored, before.atime, before.mtime)

    const restored = json<{ local_path: string; verified: boolean }>(
      await runCli(
        ['restore', NEWER, '--connection', destination.connectionId, '--to', to, '--json'],
        destination.env,
      ),
    )
    expect(restored).toMatchObject({ local_path: join(to, NEWER), verified: true })
    expect(readFileSync(restored.local_path).equals(original)).toBe(true)
    expect(existsSync(partial)).toBe(false)
    expect(readdirSync(to)).toEqual([NEWER])
  })

  it('refuses a copy changed at the destination (same size): exit 1, nothing left behind', async () => {
    destination = await open()
    await uploadTwo(destination)
    const stored = destination.storedPath(NEWER)
    const bytes = readFileSync(stored)
    bytes[bytes.length >> 1]! ^= 0xff
    writeFileSync(stored, bytes)
    const to = dir('restore-to')
    const result = await runCli(
      [
        'restore',
        `${destination.folder}/${NEWER}`,
        '--connection',
        destination.connectionId,
        '--to',
        to,
      ],
      destination.env,
    )
    expect(result.code).toBe(1)
    expect(stderrBeyondWarnings(result.stderr)).toMatch(
      /^Error: .*does not match.* nothing was restored\. Restore an older backup, and check the storage for damage\.\n$/,
    )
    expect(readdirSync(to)).toEqual([])
  })
})

describe('restore: a backup we did not upload', () => {
  it('is listed as not ours, restored under its name, and exits 3: verified by size only', async () => {
    const destination = await localFolder()
    await uploadTwo(destination)
    const foreign = 'dbBackup-Fermentrack_2026-03-03T08.00.00.tar.xz'
    const copied = await writeBackup(dir('elsewhere'), foreign, 50_000, 5)
    writeFileSync(destination.storedPath(foreign), readFileSync(copied))
    const listed = json<Listed[]>(await runCli(['backups', '--json'], destination.env))
    expect(listed.map((b) => [b.name, b.uploaded_by_us, b.content_hash])).toEqual([
      [foreign, false, undefined],
      [NEWER, true, expect.any(String)],
      [OLDER, true, expect.any(String)],
    ])
    const to = dir('restore-to')
    const args = ['restore', foreign, '--connection', 'local', '--to', to]
    const asJson = await runCli([...args, '--json'], destination.env)
    expect(asJson.code, asJson.stderr).toBe(3)
    const restored = JSON.parse(asJson.stdout) as { local_path: string; verified: boolean }
    expect(restored).toMatchObject({ local_path: join(to, foreign), verified: false })
    expect(readFileSync(restored.local_path).equals(readFileSync(copied))).toBe(true)

    // In words: restored, not verified, and why.
    const text = await runCli(args, destination.env)
    expect(text.code).toBe(3)
    expect(text.stdout).toMatch(
      /^Restored .* \(restored\)\.tar\.xz .*but not verified: .*size only: the destination keeps no checksum for it, and it was not uploaded by this app\.\n$/,
    )
    expect(readdirSync(to).sort()).toEqual(
      [foreign, foreign.replace('.tar.xz', ' (restored).tar.xz')].sort(),
    )
  })
})

describe('restore: partial files', () => {
  it('drops a stale partial larger than the remote file and restores from the start', async () => {
    const destination = await localFolder()
    const paths = await uploadTwo(destination)
    const backup = json<Listed[]>(await runCli(['backups', '--json'], destination.env)).find(
      (b) => b.name === OLDER,
    )!
    const to = dir('restore-to')
    const partial = partialPath(to, { ...backup, isFolder: false })
    writeFileSync(partial, Buffer.alloc(backup.size + 10, 7))
    const restored = json<{ local_path: string }>(
      await runCli(
        ['restore', OLDER, '--connection', 'local', '--to', to, '--json'],
        destination.env,
      ),
    )
    expect(readFileSync(restored.local_path).equals(readFileSync(paths[OLDER]!))).toBe(true)
    expect(readdirSync(to)).toEqual([OLDER])
  })

  it('Ctrl-C mid-download keeps the partial, says how far it got and exits 130; the same command then finishes it', async () => {
    // A server slow enough (1 MiB/s) for the download to be under way when the signal comes.
    const slow = await startRclone(['--bwlimit', '1M'])
    // In front of it, a proxy that notes each request's Range header.
    const proxy = await startCountingProxy(slow.url)
    try {
      const env = { FTB_HOME: dir('restore-slow-home'), FTB_SECRET_STORE: 'file' }
      const id = await connectWebdav(slow, env, `${proxy.url}/`)
      const big = 'dbBackup-Fermentrack_2026-04-01T08.00.00.tar.xz'
      const source = await writeBackup(dir('restore-source'), big, 12 * MIB, 3)
      const uploaded = await runCli(['upload', source, '--connection', id, '--json'], env)
      expect(uploaded.code, uploaded.stderr).toBe(0)

      const to = dir('restore-to')
      const args = ['restore', big, '--connection', id, '--to', to, '--json']
      const running = startCli(args, env)
      running.child.stdin.end()
      const partial = await waitFor(
        () => {
          const name = existsSync(to) && readdirSync(to).find((f) => f.endsWith('.restoring'))
          return name && statSync(join(to, name)).size >= MIB ? join(to, name) : undefined
        },
        { what: 'the download to be under way', detail: () => running.output().stderr },
      )
      running.child.kill('SIGINT')
      const stopped = await running.done
      expect(stopped.code, stopped.stderr).toBe(130)
      expect(stopped.stdout).toBe('')
      const keptBytes = statSync(partial).size
      expect(stderrBeyondWarnings(stopped.stderr)).toBe(
        `Stopped: run the same command again to continue from ${(keptBytes / MIB).toFixed(1)} MiB.\n`,
      )
      // It stopped where it was: the partial holds part of the file only.
      expect(keptBytes).toBeLessThan(12 * MIB)
      expect(readdirSync(to)).toEqual([partial.slice(to.length + 1)])

      const finished = json<{ local_path: string; verified: boolean }>(await runCli(args, env))
      expect(finished.verified).toBe(true)
      expect(readFileSync(finished.local_path).equals(readFileSync(source))).toBe(true)
      expect(readdirSync(to)).toEqual([big])
      // The second run asked the server for the rest only.
      const gets = proxy.requests().filter((r) => r.method === 'GET' && r.path.endsWith('.tar.xz'))
      expect(gets.map((r) => r.range)).toEqual([undefined, `bytes=${keptBytes}-`])
    } finally {
      await proxy.close()
      await slow.close()
    }
  })
})

describe('restore: bad input', () => {
  it('needs --connection, and names an unknown backup', async () => {
    const destination = await localFolder()
    const missing = await runCli(['restore', NEWER], destination.env)
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/--connection/)
    await uploadTwo(destination)
    const to = dir('restore-to')
    const unknown = await runCli(
      ['restore', 'nope.tar.xz', '--connection', 'local', '--to', to],
      destination.env,
    )
    expect(unknown.code).toBe(1)
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1)
    expect(unknown.stderr).toMatch(/nope\.tar\.xz.*backups/)
    expect(readdirSync(to)).toEqual([])
  })
})
