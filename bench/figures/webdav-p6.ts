import { execFileSync, spawnSync } from 'node:child_process'
import { randomFillSync } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { XZ_HEAD, XZ_TAIL } from '../../test/support/backup-files.ts'
import { runCli } from '../../test/support/cli-process.ts'
import { startRclone, type WebdavServer } from '../../test/support/webdav-servers.ts'
import { finished, startCli, startProcess } from '../child-process.ts'
import { EXIT_REPORT_PRELOAD, exitReportFile } from '../exit-report.ts'
import { cpuMs } from '../proc-stats.ts'
import { detail, heading, verdict, type Figure } from '../report.ts'
import { fixed, mbPerSecond, median, MIB, seconds } from '../stats.ts'
import type { Teardown } from '../teardown.ts'

const FILES = 100
const FILE_BYTES = 5 * MIB
/** rclone copy's default --transfers; our CLI is set to the same for the judged ratio. */
const PARALLEL = 4
const RUN_TIMEOUT_MS = 600_000

type Contender = 'ours-default' | 'ours' | 'rclone'

/** One timed run: wall time, the client's CPU time, and the server's CPU time meanwhile. */
interface Run {
  ms: number
  clientCpu: number
  serverCpu: number
}

/**
 * P6: 100 × 5 MiB backups to `rclone serve webdav` on 127.0.0.1 through the real CLI `upload`
 * (process start to exit), against rclone's own WebDAV client (`rclone copy`) sending the same
 * files to the same server, alternating in one run. Each round writes to new remote folders and a
 * new FTB_HOME, so neither side finds anything already there.
 */
export async function webdavP6(root: string, rounds: number, teardown: Teardown): Promise<Figure> {
  heading(
    `P6. ${FILES} × ${FILE_BYTES / MIB} MiB to rclone serve webdav, CLI upload vs rclone copy`,
  )
  const files = writeBackups(join(root, 'p6-backups'))
  const server = await startRclone()
  teardown.add(() => server.close())
  const obscured = execFileSync('rclone', ['obscure', server.password], { encoding: 'utf8' }).trim()
  const config = join(root, 'p6-rclone.conf')
  writeFileSync(config, '')
  const runs: Record<Contender, Run[]> = { 'ours-default': [], ours: [], rclone: [] }
  const run: Record<Contender, (round: number) => Promise<Omit<Run, 'serverCpu'>>> = {
    'ours-default': (round) =>
      ourUpload(root, server, files, `ours-default-${round}`, null, teardown),
    ours: (round) => ourUpload(root, server, files, `ours-${round}`, PARALLEL, teardown),
    rclone: (round) => rcloneCopy(server, obscured, config, files, `rclone-${round}`, teardown),
  }
  const order = Object.keys(run) as Contender[]
  for (let round = 1; round <= rounds; round++) {
    // Rotate who goes first, so no side always runs on a warmer or cooler machine.
    for (let i = 0; i < order.length; i++) {
      const who = order[(i + round) % order.length]!
      spawnSync('sync') // earlier runs' dirty pages must not be written back during this one
      const serverBefore = cpuMs(server.pid()) ?? 0
      const measured = await run[who](round)
      runs[who].push({ ...measured, serverCpu: (cpuMs(server.pid()) ?? 0) - serverBefore })
    }
    detail(
      `round ${round}: ` + order.map((who) => `${who} ${describe(runs[who].at(-1)!)}`).join(', '),
    )
  }
  const times = (who: Contender) => runs[who].map((r) => r.ms)
  const total = FILES * FILE_BYTES
  const rate = (who: Contender) => mbPerSecond(total, median(times(who)))
  detail(
    `ours: node bin/fermentrack-backup.js upload <${FILES} files> --json, concurrency ${PARALLEL} ` +
      `(and "ours-default" at the default concurrency 2); per file: SHA-256 of the file, PROPFIND ` +
      `of the name, PUT to a temp name with OC-Checksum, PROPFIND size, Range GET of the first and ` +
      `last MiB compared, MOVE into place. Median ${fixed(rate('ours'), 1)} MB/s ` +
      `(default: ${fixed(rate('ours-default'), 1)} MB/s)`,
  )
  detail(
    `reference: rclone copy DIR :webdav:… --transfers ${PARALLEL} (rclone's own WebDAV client; ` +
      `it lists the destination, PUTs each file and checks its size). ` +
      `Median ${fixed(rate('rclone'), 1)} MB/s`,
  )
  const cpu = (who: Contender) => median(runs[who].map((r) => r.clientCpu))
  const serverCpu = (who: Contender) => median(runs[who].map((r) => r.serverCpu))
  detail(
    `CPU (medians): our CLI process ${seconds(cpu('ours'), 1)}, rclone copy ${seconds(cpu('rclone'), 1)}; ` +
      `the rclone server meanwhile ${seconds(serverCpu('ours'), 1)} for ours, ` +
      `${seconds(serverCpu('rclone'), 1)} for rclone copy`,
  )
  const ratio = median(times('rclone')) / median(times('ours'))
  const figure: Figure = {
    name: 'P6 WebDAV upload vs rclone copy',
    value: `${fixed(ratio)}x`,
    target: '>= 0.8x',
    pass: ratio >= 0.8,
    measured: `CLI ${seconds(median(times('ours')), 1)} vs rclone copy ${seconds(median(times('rclone')), 1)}`,
  }
  verdict(figure)
  return figure
}

/** Incompressible bytes with the ends of an .xz file, so the archive check passes them. */
function writeBackups(dir: string): string[] {
  mkdirSync(dir)
  const bytes = Buffer.alloc(FILE_BYTES)
  return Array.from({ length: FILES }, (_, i) => {
    randomFillSync(bytes)
    XZ_HEAD.copy(bytes, 0)
    XZ_TAIL.copy(bytes, FILE_BYTES - XZ_TAIL.length)
    const path = join(dir, `2026-11-22T10.${String(i).padStart(2, '0')}.00.tar.xz`)
    writeFileSync(path, bytes)
    return path
  })
}

/** A fresh FTB_HOME connected through the CLI; then the timed `upload` of every file. */
async function ourUpload(
  root: string,
  server: WebdavServer,
  files: string[],
  name: string,
  concurrency: number | null,
  teardown: Teardown,
): Promise<{ ms: number; clientCpu: number }> {
  const home = join(root, `${name}-home`)
  mkdirSync(home, { mode: 0o700 })
  const env = { FTB_HOME: home, FTB_SECRET_STORE: 'file', FTB_LOCAL_DESTINATION: '' }
  const args = ['connect', 'webdav', '--url', server.url, '--username', server.username]
  const connected = await runCli([...args, '--password-stdin'], env, `${server.password}\n`)
  if (connected.code !== 0) throw new Error(`connect failed: ${connected.stderr}`)
  const settingsPath = join(home, 'settings.json')
  const settings = JSON.parse(readFileSync(settingsPath, 'utf8')) as Record<string, unknown>
  settings.remoteFolder = `/${name}`
  if (concurrency !== null) settings.concurrency = concurrency
  writeFileSync(settingsPath, JSON.stringify(settings))
  const report = exitReportFile(root, name)
  const running = startCli(
    ['upload', ...files, '--json'],
    { ...env, ...report.env },
    teardown,
    EXIT_REPORT_PRELOAD,
  )
  const exit = await finished(running, RUN_TIMEOUT_MS, `${name} upload`)
  const jobs = JSON.parse(exit.stdout) as Array<{ status: string }>
  if (jobs.length !== FILES || jobs.some((job) => job.status !== 'done'))
    throw new Error(`${name}: not every upload finished`)
  checkStored(server, name)
  return { ms: exit.endedAt - running.startedAt, clientCpu: report.read().cpuMs }
}

async function rcloneCopy(
  server: WebdavServer,
  obscured: string,
  config: string,
  files: string[],
  name: string,
  teardown: Teardown,
): Promise<{ ms: number; clientCpu: number }> {
  const source = join(files[0]!, '..')
  // GNU time reports the CPU time of rclone with all its threads, as our exit report does.
  const cpuFile = join(config, '..', `${name}.time`)
  const running = startProcess(
    '/usr/bin/time',
    [
      '-o',
      cpuFile,
      '-f',
      '%U %S',
      'rclone',
      'copy',
      source,
      `:webdav:/${name}`,
      '--webdav-url',
      server.url,
      '--webdav-user',
      server.username,
      '--webdav-pass',
      obscured,
      '--transfers',
      String(PARALLEL),
      '--config',
      config,
    ],
    teardown,
  )
  const exit = await finished(running, RUN_TIMEOUT_MS, `${name} rclone copy`)
  checkStored(server, name)
  const [user, system] = readFileSync(cpuFile, 'utf8').trim().split(' ').map(Number)
  return { ms: exit.endedAt - running.startedAt, clientCpu: ((user ?? 0) + (system ?? 0)) * 1000 }
}

function describe(run: Run): string {
  return `${seconds(run.ms, 1)} (CPU ${seconds(run.clientCpu, 1)}, server ${seconds(run.serverCpu, 1)})`
}

/** Both sides must really have stored every file, at its full size, on the server's disk. */
function checkStored(server: WebdavServer, folder: string): void {
  const names = readdirSync(join(server.root, folder))
  const whole = names.filter((n) => statSync(join(server.root, folder, n)).size === FILE_BYTES)
  if (whole.length !== FILES) throw new Error(`${folder}: ${whole.length} of ${FILES} files stored`)
}
