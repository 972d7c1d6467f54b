import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { writeBackup } from '../support/backup-files.ts'
import { runCli, startCli, tempDirsPerTest } from '../support/cli-process.ts'
import { history, parseJson, stopCli, writeSettings } from '../support/upload-fixture.ts'
import { waitForOutput, waitWhileRunning } from '../support/wait-for.ts'
import { WEBDAV_SERVERS, type WebdavServer } from '../support/webdav-servers.ts'
import { CLOUD_PROVIDERS, TARGET } from '../support/cloud-homes.ts'

// Several real CLI processes per test; a busy two-core machine needs more than the default.
vi.setConfig({ testTimeout: 120_000 })

const dir = tempDirsPerTest()

interface PruneReport {
  dry_run: boolean
  destinations: {
    connection_id: string
    folder: string
    source: { id: string; label: string } | null
    remove: { name: string; path: string; rule: string }[]
    keep: { name: string; reasons: string[] }[] | undefined
  }[]
}

/** Seven Fermentrack-style names, oldest first, a day apart. */
const NAMES = [1, 2, 3, 4, 5, 6, 7].map(
  (day) => `fermentrack_backup-2026-11-0${day}T10.00.00.tar.xz`,
)

interface Destination {
  env: NodeJS.ProcessEnv
  /** The destination's id, as prune reports it. */
  id: string
  /**
   * The names in the backups folder (or in `sub`folder of it), read without our client: from
   * disk, or from the emulator's storage.
   */
  names(sub?: string): string[]
  backups: string
  /**
   * Puts a file (or, without a body, a folder) into the backups folder the way a person would,
   * through the destination itself: a WebDAV server may not see what is written behind its back.
   */
  plant(name: string, body?: Buffer | string): Promise<void>
}

/** A fresh FTB_HOME whose only destination is a local folder (the NAS of these tests). */
function localHome(): Destination & { target: string } {
  const nas = dir('nas')
  const env: NodeJS.ProcessEnv = {
    FTB_HOME: join(dir('home'), 'fresh'),
    FTB_LOCAL_DESTINATION: nas,
    DROPBOX_APP_KEY: '',
  }
  const target = join(nas, 'Fermentrack Backups')
  const plant = async (name: string, body?: Buffer | string) => {
    if (body === undefined) mkdirSync(join(target, name), { recursive: true })
    else {
      mkdirSync(dirname(join(target, name)), { recursive: true })
      writeFileSync(join(target, name), body)
    }
  }
  const names = (sub = '') => readdirSync(join(target, sub))
  return { env, id: 'local', target, names, backups: dir('backups'), plant }
}

let runs = 0

/** A fresh FTB_HOME connected to a real WebDAV server, with a backups folder of its own there. */
async function webdavHome(server: WebdavServer): Promise<Destination> {
  const home = dir('home')
  const folder = `Backups ${++runs}`
  writeSettings(home, { remoteFolder: `/${folder}` })
  const env: NodeJS.ProcessEnv = { FTB_HOME: home, FTB_SECRET_STORE: 'file', DROPBOX_APP_KEY: '' }
  const args = ['connect', 'webdav', '--url', server.url, '--username', server.username]
  const connected = await runCli(
    [...args, '--password-stdin', '--json'],
    env,
    `${server.password}\n`,
  )
  expect(connected.code, connected.stderr).toBe(0)
  const { connection_id: id } = JSON.parse(connected.stdout) as { connection_id: string }
  const auth = `Basic ${Buffer.from(`${server.username}:${server.password}`).toString('base64')}`
  const send = async (method: string, path: string, body?: Buffer | string) => {
    const response = await fetch(new URL(path, server.url), {
      method,
      headers: { authorization: auth },
      body,
    })
    // 405 to MKCOL: the folder is there already.
    if (!response.ok && !(method === 'MKCOL' && response.status === 405))
      throw new Error(`${method} ${path}: ${response.status}`)
  }
  const plant = async (name: string, body?: Buffer | string) => {
    const parts = [folder, ...name.split('/')].map(encodeURIComponent)
    const folders = body === undefined ? parts.length : parts.length - 1
    for (let depth = 1; depth <= folders; depth++)
      await send('MKCOL', parts.slice(0, depth).join('/') + '/')
    if (body !== undefined) await send('PUT', parts.join('/'), body)
  }
  const names = (sub = '') => readdirSync(join(server.root, folder, sub))
  return { env, id, names, backups: dir('backups'), plant }
}

interface DestinationKind {
  name: string
  start(): Promise<{ home(): Promise<Destination>; close(): Promise<void> }>
}

const DESTINATIONS: DestinationKind[] = [
  {
    name: 'a local folder',
    start: async () => ({ home: async () => localHome(), close: async () => {} }),
  },
  ...WEBDAV_SERVERS.map((kind) => ({
    name: `WebDAV (${kind.name})`,
    start: async () => {
      const server = await kind.start()
      return { home: () => webdavHome(server), close: () => server.close() }
    },
  })),
  ...CLOUD_PROVIDERS.map((kind) => ({
    name: kind.name,
    start: async () => {
      const emulator = await kind.start()
      const home = async (): Promise<Destination> => {
        const cloud = await emulator.home()
        return {
          env: cloud.env,
          id: cloud.connectionId,
          names: (sub) => cloud.names(sub ? `${TARGET}/${sub}` : TARGET),
          backups: dir('backups'),
          plant: async (name, body) => cloud.plant(name, body),
        }
      }
      return { home, close: () => emulator.close() }
    },
  })),
]

async function uploadSeven(env: NodeJS.ProcessEnv, backups: string) {
  const files = []
  for (const [i, name] of NAMES.entries()) files.push(await writeBackup(backups, name, 20_000, i))
  const result = await runCli(['upload', ...files], env)
  expect(result.code, result.stderr).toBe(0)
}

/** What is not ours in the backups folder: a note and a folder of the brewer's own. */
async function plantOthers(destination: Destination) {
  await destination.plant('notes.txt', 'keep me')
  await destination.plant(`old/${NAMES[0]}`, 'an older copy, by hand')
}

describe.each(DESTINATIONS)('prune through the CLI on $name', (kind) => {
  let started: Awaited<ReturnType<DestinationKind['start']>>
  beforeAll(async () => {
    started = await kind.start()
  })
  afterAll(async () => {
    await started?.close()
  })

  it('prune --dry-run lists exactly what prune then deletes; 3 backups and the planted files remain', async () => {
    const destination = await started.home()
    const { env, id, names, backups } = destination
    await uploadSeven(env, backups)
    await plantOthers(destination)
    expect((await runCli(['retention', '--keep-last', '3'], env)).code).toBe(0)

    const dry = await runCli(['prune', '--dry-run', '--json'], env)
    expect(dry.code, dry.stderr).toBe(0)
    const planned = parseJson<PruneReport>(dry)
    expect(names().sort()).toEqual([...NAMES, 'notes.txt', 'old'].sort())
    const [local] = planned.destinations
    expect(local!.connection_id).toBe(id)
    expect(local!.remove.map((r) => r.name)).toEqual(NAMES.slice(0, 4).reverse())
    expect(new Set(local!.remove.map((r) => r.rule))).toEqual(new Set(['keepLast=3']))

    const done = await runCli(['prune', '--json'], env)
    expect(done.code, done.stderr).toBe(0)
    const pruned = parseJson<PruneReport>(done)
    expect(pruned.destinations[0]!.remove).toEqual(local!.remove)
    expect(names().sort()).toEqual([...NAMES.slice(4), 'notes.txt', 'old'].sort())
    expect(names('old')).toEqual([NAMES[0]])

    const log = readFileSync(join(env.FTB_HOME!, 'logs', 'companion.log'), 'utf8')
    for (const removed of local!.remove) {
      expect(log).toContain(removed.path)
    }
    expect(log).toContain('pruned by keepLast=3')

    // The history marks each pruned upload with the policy that let it go.
    const { jobs } = await history(env)
    const marks = jobs.map((job) => [job.name, job.pruned?.by ?? null])
    expect(marks.sort()).toEqual(NAMES.map((name, i) => [name, i < 4 ? 'keepLast=3' : null]).sort())
    const text = await runCli(['history'], env)
    expect(text.stdout).toContain(`${NAMES[0]} `)
    expect(
      text.stdout.split('\n').filter((l) => l.includes('(pruned by keepLast=3)')),
    ).toHaveLength(4)
    // Each deletion is also a removal of its own, ours marked as such.
    const { removals } = await history(env)
    expect(removals.map((r) => [r.name, r.rule, r.uploaded_by_us]).sort()).toEqual(
      NAMES.slice(0, 4).map((name) => [name, 'keepLast=3', true]),
    )

    const again = await runCli(['prune', '--json'], env)
    expect(parseJson<PruneReport>(again).destinations[0]!.remove).toEqual([])
  })

  it('auto-prune: with keepLast=3, seven uploads one after another leave the 3 newest and the planted files', async () => {
    const destination = await started.home()
    const { env, names, backups } = destination
    expect((await runCli(['retention', '--keep-last', '3'], env)).code).toBe(0)
    await plantOthers(destination)

    for (const [i, name] of NAMES.entries()) {
      const file = await writeBackup(backups, name, 20_000, i)
      const result = await runCli(['upload', file], env)
      expect(result.code, result.stderr).toBe(0)
    }

    expect(names().sort()).toEqual([...NAMES.slice(4), 'notes.txt', 'old'].sort())
    expect(names('old')).toEqual([NAMES[0]])
    const { jobs } = await history(env)
    const marks = jobs.map((job) => [job.name, job.pruned?.by ?? null])
    expect(marks.sort()).toEqual(NAMES.map((name, i) => [name, i < 4 ? 'keepLast=3' : null]).sort())
    const log = readFileSync(join(env.FTB_HOME!, 'logs', 'companion.log'), 'utf8')
    expect(log.split('\n').filter((line) => line.includes('pruned by keepLast=3'))).toHaveLength(4)
  })

  it('a matching backup planted by hand is pruned, and the history lists its removal as not ours', async () => {
    const destination = await started.home()
    const { env, names, backups } = destination
    const planted = 'fermentrack_backup-2026-10-01T10.00.00.tar.xz'
    await destination.plant(planted, readFileSync(await writeBackup(backups, planted, 20_000, 9)))
    const newer = []
    for (const [i, name] of NAMES.slice(4).entries())
      newer.push(await writeBackup(backups, name, 20_000, i))
    expect((await runCli(['upload', ...newer], env)).code).toBe(0)
    expect((await runCli(['retention', '--keep-last', '3'], env)).code).toBe(0)

    const pruned = await runCli(['prune', '--json'], env)

    expect(pruned.code, pruned.stderr).toBe(0)
    expect(parseJson<PruneReport>(pruned).destinations[0]!.remove.map((r) => r.name)).toEqual([
      planted,
    ])
    expect(names().sort()).toEqual(NAMES.slice(4))
    const listed = await history(env)
    expect(listed.jobs.every((job) => job.pruned === null)).toBe(true)
    expect(listed.removals).toEqual([
      expect.objectContaining({
        name: planted,
        rule: 'keepLast=3',
        text: 'pruned by keepLast=3; not uploaded by this app',
        uploaded_by_us: false,
      }),
    ])
    const text = await runCli(['history'], env)
    const line = text.stdout.split('\n').find((l) => l.includes(planted))
    expect(line).toContain('(pruned by keepLast=3; not uploaded by this app)')
  })

  it('deletes nothing when no backup there was verified by an upload', async () => {
    const { env, names, backups, plant } = await started.home()
    for (const [i, name] of NAMES.entries())
      await plant(name, readFileSync(await writeBackup(backups, name, 20_000, i)))
    expect((await runCli(['retention', '--keep-last', '3'], env)).code).toBe(0)

    const result = await runCli(['prune', '--json'], env)

    expect(result.code, result.stderr).toBe(0)
    const [local] = parseJson<PruneReport>(result).destinations
    expect(local!.remove).toEqual([])
    expect(local!.keep!.map((k) => k.reasons)).toEqual([
      ...Array(3).fill(['keepLast', 'no newer verified backup']),
      ...Array(4).fill(['no newer verified backup']),
    ])
    expect(names().sort()).toEqual([...NAMES].sort())
  })

  it('with retention off (the default) prune deletes nothing and lists nothing', async () => {
    const { env, id, names, backups } = await started.home()
    await uploadSeven(env, backups)

    const result = await runCli(['prune'], env)

    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain(`${id}: retention is off; nothing to prune.`)
    expect(names().sort()).toEqual([...NAMES].sort())
  })
})

describe('retention through the CLI', () => {
  it('a destination override wins over the default', async () => {
    const { env, target, backups } = localHome()
    await uploadSeven(env, backups)
    await runCli(['retention', '--keep-last', '2'], env)
    const set = await runCli(
      ['retention', '--connection', 'local', '--keep-last', '5', '--json'],
      env,
    )
    expect(parseJson<{ policy: unknown; override: boolean }>(set)).toEqual({
      connection_id: 'local',
      policy: { keepLast: 5 },
      override: true,
      folders: [{ connection_id: 'local', folder: '/Fermentrack Backups', source: null }],
    })

    const pruned = await runCli(['prune'], env)
    expect(pruned.code, pruned.stderr).toBe(0)
    expect(pruned.stdout).toContain('keepLast=5; removed 2, keeping 5.')
    expect(pruned.stdout).toContain(`removed ${NAMES[0]}  (pruned by keepLast=5)`)
    expect(readdirSync(target).sort()).toEqual(NAMES.slice(2))
  })

  it('auto-prune after a burst: seven uploads finishing together still leave the 3 newest, with no prune failing', async () => {
    const { env, target, backups } = localHome()
    expect((await runCli(['retention', '--keep-last', '3'], env)).code).toBe(0)
    writeSettings(env.FTB_HOME!, { concurrency: 4 })

    await uploadSeven(env, backups)

    expect(readdirSync(target).sort()).toEqual(NAMES.slice(4))
    const { jobs } = await history(env)
    expect(jobs.filter((job) => job.pruned?.by === 'keepLast=3')).toHaveLength(4)
    const log = readFileSync(join(env.FTB_HOME!, 'logs', 'companion.log'), 'utf8')
    expect(log).not.toContain('automatic prune failed')
  })

  it('an unknown destination is refused and nothing is saved', async () => {
    const { env } = localHome()
    const result = await runCli(['retention', '--connection', 'nope', '--keep-last', '3'], env)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('No connection has the id "nope"')
    const shown = await runCli(['retention', '--json'], env)
    expect(parseJson(shown)).toMatchObject({ retention: {}, overrides: {} })
  })

  it.each([
    [['--keep-last', '0'], '--keep-last must be a whole number'],
    [['--keep-daily', 'seven'], '--keep-daily must be a whole number'],
    [['--keep-weekly', '2.5'], '--keep-weekly must be a whole number'],
    [['--off', '--keep-last', '3'], '--off cannot be combined with --keep-last'],
  ])('retention %j exits 2 with one line and saves nothing', async (args, message) => {
    const { env } = localHome()
    const result = await runCli(['retention', ...args], env)
    expect(result.code).toBe(2)
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('Error:'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(message)
    const settings = join(env.FTB_HOME!, 'settings.json')
    const saved = existsSync(settings) ? JSON.parse(readFileSync(settings, 'utf8')).retention : {}
    expect(saved).toEqual({})
  })

  it('--off turns the default off again', async () => {
    const { env } = localHome()
    await runCli(['retention', '--keep-last', '3', '--keep-monthly', '12'], env)
    const shown = await runCli(['retention'], env)
    expect(shown.stdout).toContain('Default: keepLast=3, keepMonthly=12')
    const off = await runCli(['retention', '--off', '--json'], env)
    expect(parseJson<{ retention: unknown }>(off).retention).toEqual({})
  })
})

describe('retention per Fermentrack', () => {
  /** Two Pis into one local destination; the test Pi's two backups are older than all of Brewhouse 1's. */
  const BREWHOUSE = [3, 4, 5, 6, 7].map(
    (day) => `fermentrack_backup-2026-11-0${day}T10.00.00.tar.xz`,
  )
  const TEST_PI = [1, 2].map((day) => `fermentrack_backup-2026-11-0${day}T09.00.00.tar.xz`)

  it('auto-prune and prune count each source on its own: one Pi never pushes out the other', async () => {
    const { env, target } = localHome()
    const pi1 = dir('pi1')
    const pi2 = dir('pi2')
    const add = (args: string[]) => runCli(['sources', 'add', ...args], env)
    expect((await add(['--folder', pi1, '--label', 'Brewhouse 1'])).code).toBe(0)
    expect((await add(['--folder', pi2, '--label', 'Test Pi'])).code).toBe(0)
    expect((await runCli(['retention', '--keep-last', '3'], env)).code).toBe(0)
    writeSettings(env.FTB_HOME!, { settleSeconds: 0.2 })
    const brewhouse = join(target, 'Brewhouse 1')
    const testPi = join(target, 'Test Pi')

    const watch = startCli(['watch'], env)
    watch.child.stdin.end()
    await waitForOutput(watch, `Watching ${pi2} (Test Pi)`)
    for (const [i, name] of TEST_PI.entries()) await writeBackup(pi2, name, 20_000, 10 + i)
    // One at a time, each verified before the next, as a Pi writes them a day apart.
    for (const [i, name] of BREWHOUSE.entries()) {
      await writeBackup(pi1, name, 20_000, i)
      await waitForOutput(watch, `Uploaded ${name}`)
    }
    const listing = () => existsSync(brewhouse) && readdirSync(brewhouse).sort().join()
    await waitWhileRunning(watch, () => listing() === BREWHOUSE.slice(2).join(), {
      what: 'Brewhouse 1 pruned to its 3 newest',
    })
    await waitWhileRunning(watch, () => existsSync(testPi) && readdirSync(testPi).length === 2, {
      what: "the test Pi's two backups",
    })
    expect((await stopCli(watch)).code).toBe(0)
    expect(readdirSync(testPi).sort()).toEqual(TEST_PI)

    const shown = await runCli(['retention', '--json'], env)
    expect(parseJson<{ folders: unknown }>(shown).folders).toEqual([
      { connection_id: 'local', folder: '/Fermentrack Backups', source: null },
      {
        connection_id: 'local',
        folder: '/Fermentrack Backups/Brewhouse 1',
        source: { id: 'brewhouse-1', label: 'Brewhouse 1' },
      },
      {
        connection_id: 'local',
        folder: '/Fermentrack Backups/Test Pi',
        source: { id: 'test-pi', label: 'Test Pi' },
      },
    ])

    const dry = await runCli(['prune', '--dry-run', '--json'], env)
    expect(dry.code, dry.stderr).toBe(0)
    const planned = parseJson<PruneReport>(dry).destinations
    expect(planned.map((p) => [p.folder, p.source?.label ?? null, p.keep?.length])).toEqual([
      ['/Fermentrack Backups', null, 0],
      ['/Fermentrack Backups/Brewhouse 1', 'Brewhouse 1', 3],
      ['/Fermentrack Backups/Test Pi', 'Test Pi', 2],
    ])
    expect(planned.flatMap((p) => p.remove)).toEqual([])
    const text = await runCli(['prune', '--dry-run'], env)
    expect(text.stdout).toContain(
      'local /Fermentrack Backups/Test Pi (Test Pi): keepLast=3; would remove 0, keeping 2.',
    )

    const { jobs } = await history(env)
    const pruned = jobs.filter((job) => job.pruned).map((job) => [job.name, job.pruned!.by])
    expect(pruned.sort()).toEqual(BREWHOUSE.slice(0, 2).map((name) => [name, 'keepLast=3']))
  })
})
