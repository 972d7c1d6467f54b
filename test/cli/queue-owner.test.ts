import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { dropboxContentHash, writeBackup } from '../support/backup-files.ts'
import { startCli, tempDir, type CliResult, type RunningCli } from '../support/cli-process.ts'
import {
  dropboxHomePerTest,
  history,
  startWatch,
  storedFiles,
  type DropboxHome,
} from '../support/upload-fixture.ts'
import { waitFor } from '../support/wait-for.ts'

/** FTB_OWNER_ROUNDS=100 for a longer hunt; each round is 6 uploads started at the same instant. */
const ROUNDS = Number(process.env.FTB_OWNER_ROUNDS ?? 10)
const FOLDER = '/Fermentrack Backups'
const openHome = dropboxHomePerTest()
/** The Dropbox routes that commit a file: one successful request each per file uploaded. */
const COMMITS = ['/2/files/upload', '/2/files/upload_session/finish']
const BATCH = '/2/files/upload_session/finish_batch_v2'

vi.setConfig({ testTimeout: 60_000 + ROUNDS * 60_000 })

const dirs: string[] = []
afterEach(async () => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/**
 * What a crashed owner leaves: `watch` owns the queue (and listens on queue.sock) and is killed
 * with kill -9, so the socket file stays with nobody listening behind it.
 */
async function crashOwner(h: DropboxHome, env: NodeJS.ProcessEnv): Promise<void> {
  const empty = tempDir('empty')
  dirs.push(empty)
  const watch = await startWatch(empty, env)
  watch.child.kill('SIGKILL')
  await watch.done
  expect(existsSync(join(h.home, 'queue.sock')), 'a stale queue.sock').toBe(true)
}

/** A CLI run that must end; one that hangs is killed and reported rather than waited on forever. */
async function ended(cli: RunningCli): Promise<CliResult> {
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), 120_000)
  try {
    return await cli.done
  } finally {
    clearTimeout(timer)
  }
}

describe('one queue owner at a time', () => {
  it('6 uploads started at once over a stale queue.sock all succeed, each file uploaded once per destination, no job started twice', async () => {
    const h = await openHome()
    const nas = tempDir('nas')
    dirs.push(nas)
    const env = { ...h.env, FTB_LOCAL_DESTINATION: nas }
    const target = join(nas, 'Fermentrack Backups')

    for (let round = 0; round < ROUNDS; round++) {
      await crashOwner(h, env)
      const names = ['a', 'b', 'c', 'd', 'shared'].map((n) => `r${round}-${n}.tar.xz`)
      const paths = await Promise.all(
        names.map((name, i) => writeBackup(h.backups, name, 300_000 + i * 50_000, round * 10 + i)),
      )
      const [a, b, c, d, shared] = paths as [string, string, string, string, string]
      const before = h.emulator.requests.length

      // Each its own file, and two that share files with others.
      const commands = [[a], [b], [c], [d], [a, shared], [shared, b]]
      const clis = commands.map((files) => startCli(['upload', ...files, '--json'], env))
      for (const cli of clis) cli.child.stdin.end()
      const results = await Promise.all(clis.map(ended))

      for (const [i, result] of results.entries())
        expect(result.code, `round ${round}, upload ${i}:\n${result.stderr}`).toBe(0)

      // Dropbox: each file stored with its content, and committed exactly once.
      const stored = storedFiles(h.emulator).filter((f) => f.name.startsWith(`r${round}-`))
      expect(stored.map((f) => f.path_display).sort()).toEqual(
        names.map((n) => `${FOLDER}/${n}`).sort(),
      )
      for (const [i, path] of paths.entries())
        expect(stored.find((f) => f.name === names[i])?.content_hash).toBe(
          await dropboxContentHash(path),
        )
      // One per file: a files/upload or finish of its own, or an entry of a finish_batch_v2.
      const commits = h.emulator.requests
        .slice(before)
        .filter((r) => r.status === 200)
        .reduce(
          (sum, r) =>
            sum + (COMMITS.includes(r.path) ? 1 : r.path === BATCH ? (r.batchEntries ?? 0) : 0),
          0,
        )
      expect(commits, `round ${round}: commits`).toBe(names.length)

      // The local folder: each file once, nothing renamed or half-written beside it.
      const local = readdirSync(target).filter(
        (n) => n.startsWith(`r${round}-`) || n.startsWith('.'),
      )
      expect(local.sort()).toEqual([...names].sort())

      // The queue: one job per file and destination, each started exactly once.
      const jobs = (await history(env)).jobs.filter((j) => j.name.startsWith(`r${round}-`))
      expect(jobs).toHaveLength(names.length * 2)
      for (const job of jobs) {
        expect(job.status, `${job.name} → ${job.connection_id}`).toBe('done')
        expect(job.attempts, `round ${round}: ${job.name} → ${job.connection_id} started`).toBe(1)
      }
      await waitFor(() => !existsSync(join(h.home, 'queue.sock')), {
        what: 'the last owner to remove its doorbell on exit',
      })
    }
  })
})
