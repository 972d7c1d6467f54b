import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { setTimeout as sleep } from 'node:timers/promises'
import { startDropboxEmulator, type DropboxEmulator } from '../emulators/dropbox/index.ts'
import { MIB, seededRandom } from './backup-files.ts'
import { authorizeRedirect } from './browser.ts'
import {
  judge,
  localCopies,
  unfinishedJobs,
  type JobLine,
  type StoredCopy,
  type Verdict,
} from './chaos-check.ts'
import { BackupWriter } from './chaos-files.ts'
import { injectFaults, Plan } from './chaos-plan.ts'
import { runCli, startCli, type RunningCli } from './cli-process.ts'
import { APP_KEY, freePort } from './dropbox-fixture.ts'
import { transcriptOf, waitFor } from './wait-for.ts'

export interface ChaosOptions {
  seed: number
  /** kill -9s before the final clean run; default 6. */
  kills?: number
  /** Size of the one big backup; default 60 MiB. */
  bigBytes?: number
  /** All versions written in a run together stay under this; default 150 MiB. */
  budgetBytes?: number
  /**
   * How long the final watch may take to empty the queue; default 5 minutes, as a job the faults
   * failed six or seven times waits a minute or two (the queue's backoff) before its next try.
   */
  drainTimeoutMs?: number
  /** Keep the run's folders (FTB_HOME with its log, backups, both destinations): default 'failed'. */
  keep?: 'failed' | 'always' | 'never'
  /** Progress lines as the run goes. */
  trace?: (line: string) => void
}

export interface ChaosResult {
  seed: number
  ms: number
  kills: number
  /** Kills that left a job uploading or verifying in the queue database. */
  killsMidUpload: number
  names: number
  versions: number
  bytesWritten: number
  /** Requests the emulator answered with 429 or 5xx, or never answered (faults and kills). */
  faultyAnswers: number
  verdict: Verdict
  /** Failures of the harness or the CLI itself (a watch that ended by itself, a drain timeout). */
  errors: string[]
  /** Where the run's files were kept (failed runs), else undefined. */
  kept?: string
}

const REMOTE_FOLDER = '/Fermentrack Backups'
const SETTLE_SECONDS = 2
export function problemCount(result: ChaosResult): number {
  const { verdict } = result
  return (
    verdict.lost.length +
    verdict.duplicated.length +
    verdict.corrupted.length +
    verdict.jobs.length +
    verdict.leftovers.length +
    result.errors.length
  )
}

/** One line per run, then one per problem found. */
export function describeRun(result: ChaosResult): string {
  const { verdict: v } = result
  const head =
    `seed=${result.seed} time=${(result.ms / 1000).toFixed(1)}s kills=${result.kills} ` +
    `(${result.killsMidUpload} mid-upload) names=${result.names} versions=${result.versions} ` +
    `MiB=${(result.bytesWritten / MIB).toFixed(0)} faulty_answers=${result.faultyAnswers} lost=${v.lost.length} ` +
    `duplicated=${v.duplicated.length} corrupted=${v.corrupted.length} ` +
    `failed_jobs=${v.jobs.length} leftovers=${v.leftovers.length} errors=${result.errors.length}`
  const details = [
    ...v.lost.map((d) => `  lost: ${d}`),
    ...v.duplicated.map((d) => `  duplicated: ${d}`),
    ...v.corrupted.map((d) => `  corrupted: ${d}`),
    ...v.jobs.map((d) => `  job: ${d}`),
    ...v.leftovers.map((d) => `  leftover: ${d}`),
    ...result.errors.map((d) => `  error: ${d}`),
    ...(result.kept ? [`  kept: ${result.kept} (FTB_HOME log: home/logs/companion.log)`] : []),
  ]
  return [head, ...details].join('\n')
}

/**
 * One chaos run: the real CLI `watch` on a folder of backups (a few KiB to 60 MiB, unicode
 * names), uploading to the Dropbox emulator (with faults injected) and to a local folder, killed
 * with SIGKILL at seeded random moments while backups are added and rewritten, then one clean
 * `watch` until the queue is empty. Everything random comes from `seed`, so a failing run can be
 * replayed (the process timing still varies).
 */
export async function chaosRun(options: ChaosOptions): Promise<ChaosResult> {
  const started = Date.now()
  const random = seededRandom(options.seed)
  const ws = await openWorkspace(options.seed)
  const writer = new BackupWriter(ws.dirs.backups, 300)
  const errors: string[] = []
  let cycles = { kills: 0, killsMidUpload: 0 }
  let verdict: Verdict = { lost: [], duplicated: [], corrupted: [], jobs: [], leftovers: [] }
  try {
    await connect(ws.env)
    writeSettings(ws.dirs.home, {
      patterns: ['*.tar.xz', '*.zip'],
      remoteFolder: REMOTE_FOLDER,
      localDestination: ws.dirs.nas,
      settleSeconds: SETTLE_SECONDS,
      chunkSize: 4 * MIB,
      concurrency: 2,
    })
    const big = options.bigBytes ?? 60 * MIB
    const plan = new Plan(random, writer, big, options.budgetBytes ?? 150 * MIB)
    plan.initial()
    cycles = await crashCycles(ws, plan, random, options, errors)
    // Every planned change is on disk before the final watch: one still to come would race it.
    await plan.done()
    await waitUntilSettled(ws.dirs.backups)
    // The final watch is the clean run: faults the last kill left unmet would only add to
    // backoffs that, by then, can be a minute or more, in a drain that has to end.
    ws.emulator.clearFaults()
    const drainStart = Date.now()
    await finalWatch(ws, options.drainTimeoutMs ?? 300_000, errors)
    options.trace?.(`  final watch: ${((Date.now() - drainStart) / 1000).toFixed(1)} s`)
    verdict = await finalVerdict(ws, writer)
  } catch (error) {
    errors.push(error instanceof Error ? (error.stack ?? error.message) : String(error))
  } finally {
    await writer.idle().catch(() => {})
    await ws.emulator.close()
  }
  const result: ChaosResult = {
    seed: options.seed,
    ms: Date.now() - started,
    ...cycles,
    names: writer.versions.size,
    versions: [...writer.versions.values()].reduce((n, list) => n + list.length, 0),
    bytesWritten: writer.written,
    faultyAnswers: ws.emulator.requests.filter(
      (r) => r.status === 0 || r.status === 429 || r.status >= 500,
    ).length,
    verdict,
    errors,
  }
  const keep = options.keep ?? 'failed'
  if (keep === 'always' || (keep === 'failed' && problemCount(result) > 0)) {
    writeFileSync(join(ws.root, 'transcripts.txt'), ws.transcripts.join('\n'))
    // What the emulator was asked and answered, in order: where a run's time went.
    writeFileSync(join(ws.root, 'requests.json'), JSON.stringify(ws.emulator.requests, null, 1))
    result.kept = ws.root
  } else {
    rmSync(ws.root, { recursive: true, force: true })
  }
  return result
}

/** Everything one run uses, under one temp folder: kept whole when the run fails. */
interface Workspace {
  root: string
  dirs: { home: string; backups: string; nas: string; dropbox: string }
  emulator: DropboxEmulator
  env: NodeJS.ProcessEnv
  /** What each CLI run printed, written to transcripts.txt when the run is kept. */
  transcripts: string[]
}

async function openWorkspace(seed: number): Promise<Workspace> {
  const root = mkdtempSync(join(tmpdir(), `ftb-chaos-${seed}-`))
  const dirs = {
    home: join(root, 'home'),
    backups: join(root, 'backups'),
    nas: join(root, 'nas'),
    dropbox: join(root, 'dropbox'),
  }
  for (const dir of Object.values(dirs)) mkdirSync(dir, { mode: 0o700 })
  const loopbackPort = await freePort()
  const emulator = await startDropboxEmulator({
    appKey: APP_KEY,
    redirectUris: [`http://127.0.0.1:${loopbackPort}/oauth/callback`],
    storageDir: dirs.dropbox,
  })
  const env: NodeJS.ProcessEnv = {
    FTB_HOME: dirs.home,
    DROPBOX_APP_KEY: APP_KEY,
    FTB_DROPBOX_AUTH_URL: emulator.authorizeUrl,
    FTB_DROPBOX_API_URL: emulator.url,
    FTB_DROPBOX_CONTENT_URL: emulator.url,
    FTB_LOOPBACK_PORT: String(loopbackPort),
    FTB_SECRET_STORE: 'file',
    FTB_LOG_LEVEL: 'debug',
    // Empty means unset: the destination comes from the settings, not the caller's shell.
    FTB_LOCAL_DESTINATION: '',
  }
  return { root, dirs, emulator, env, transcripts: [] }
}

/** The kill -9 cycles: faults queued, watch(es) started, backups changed, all killed. */
async function crashCycles(
  ws: Workspace,
  plan: Plan,
  random: () => number,
  options: ChaosOptions,
  errors: string[],
): Promise<{ kills: number; killsMidUpload: number }> {
  let killsMidUpload = 0
  const kills = options.kills ?? 6
  for (let cycle = 1; cycle <= kills; cycle++) {
    injectFaults(ws.emulator, random)
    // The kill comes either at a random time after the start, or a random time after an upload
    // has started (so that most kills land in the middle of one, not on an idle process).
    const timed = random() < 0.4
    const killAfter = Math.round(timed ? 400 + random() * 4600 : random() * 1500)
    const changes = plan.changes(1 + Math.floor(random() * 2), 4000)
    // Now and then two start at the same instant, as a service and a user's own run might.
    const twins = random() < 0.25 ? 2 : 1
    const moment = timed
      ? () => sleep(killAfter)
      : () => untilUploading(ws.dirs.home).then(() => sleep(killAfter))
    const ran = await killedWatches(ws.env, ws.dirs.backups, twins, moment)
    const when = `${killAfter} ms after ${timed ? 'the start' : 'an upload started'}`
    for (const early of ran.endedEarly) errors.push(`cycle ${cycle}: ${early}`)
    ws.transcripts.push(`=== cycle ${cycle}, killed ${when}\n${ran.transcript}`)
    // Jobs the kill left uploading or verifying: the kill landed mid-upload.
    const inFlight = jobsSoFar(ws.dirs.home, ['uploading', 'verifying'])
    if (inFlight > 0) killsMidUpload++
    options.trace?.(
      `  cycle ${cycle}: ${twins} watch(es), kill -9 ${when}, ` +
        `${inFlight} job(s) in flight, ${changes} change(s)`,
    )
  }
  return { kills, killsMidUpload }
}

/** What both destinations hold, judged against every version written, and the job history. */
async function finalVerdict(ws: Workspace, writer: BackupWriter): Promise<Verdict> {
  const jobs = await history(ws.env)
  const dropbox = dropboxCopies(ws.emulator)
  const local = await localCopies(join(ws.dirs.nas, REMOTE_FOLDER.slice(1)))
  const found = await judge(writer.versions, ['dropbox', 'local'], [...dropbox, ...local.copies])
  return { ...found, jobs: unfinishedJobs(jobs), leftovers: local.temps }
}

/** Starts `count` watches at once and kills them all with SIGKILL when `moment` resolves. */
async function killedWatches(
  env: NodeJS.ProcessEnv,
  dir: string,
  count: number,
  moment: () => Promise<void>,
): Promise<{ transcript: string; endedEarly: string[] }> {
  const clis = Array.from({ length: count }, () => startCli(['watch', '--dir', dir], env))
  const endedEarly: string[] = []
  const due = moment()
  await Promise.all(
    clis.map(async (cli, i) => {
      cli.child.stdin.end()
      const ended = await Promise.race([due.then(() => false), cli.done.then(() => true)])
      if (ended) endedEarly.push(`watch ${i + 1} ended by itself before its kill, ${how(cli)}`)
    }),
  )
  for (const cli of clis) cli.child.kill('SIGKILL')
  await Promise.all(clis.map((cli) => cli.done))
  return { transcript: clis.map((cli) => transcriptOf(cli)).join('\n'), endedEarly }
}

/** `connect dropbox` through the real CLI, the browser's part played over HTTP. */
async function connect(env: NodeJS.ProcessEnv): Promise<void> {
  const cli = startCli(
    ['connect', 'dropbox', '--redirect', 'loopback', '--no-browser', '--json'],
    env,
  )
  const url = await cli.firstLine
  if (!url.startsWith('http')) throw new Error(`connect printed no URL:\n${transcriptOf(cli)}`)
  await (await fetch(await authorizeRedirect(url))).arrayBuffer()
  const result = await cli.done
  if (result.code !== 0) throw new Error(`connect failed (exit ${result.code}):\n${result.stderr}`)
}

function writeSettings(home: string, values: Record<string, unknown>): void {
  const file = join(home, 'settings.json')
  const current = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { version: 1 }
  writeFileSync(file, JSON.stringify({ ...current, ...values }, null, 2))
}

/** Jobs in these states, read from the queue database (cheaper than a `status` process). */
function jobsIn(home: string, states: string[]): number {
  // A busy timeout as the CLI has: a watch just started may hold the database while it recovers
  // the write-ahead log of the one killed before it.
  const db = new DatabaseSync(join(home, 'queue.db'), { readOnly: true, timeout: 10_000 })
  try {
    const row = db
      .prepare(`SELECT COUNT(*) AS n FROM jobs WHERE state IN (SELECT value FROM json_each(?))`)
      .get(JSON.stringify(states)) as { n: number }
    return Number(row.n)
  } finally {
    db.close()
  }
}

/** jobsIn, or 0 while the first process has not created the queue database and its table yet. */
function jobsSoFar(home: string, states: string[]): number {
  try {
    return jobsIn(home, states)
  } catch (error) {
    if (!existsSync(join(home, 'queue.db')) || /no such table/.test(String(error))) return 0
    throw error
  }
}

/** Resolves once a job is uploading, or after 8 s (the queue may have nothing left to do). */
async function untilUploading(home: string): Promise<void> {
  const deadline = Date.now() + 8000
  while (Date.now() < deadline && jobsSoFar(home, ['uploading']) === 0) await sleep(25)
}

/** Waits until every backup has been still for longer than the settle time. */
async function waitUntilSettled(dir: string): Promise<void> {
  const names = await readdir(dir)
  const newest = Math.max(0, ...names.map((name) => statSync(join(dir, name)).mtimeMs))
  const wait = newest + SETTLE_SECONDS * 1000 + 500 - Date.now()
  if (wait > 0) await sleep(wait)
}

/**
 * A clean `watch` until its start-up scan is queued and the queue has been empty at two looks a
 * settle time apart, then SIGTERM. Problems go to `errors`.
 */
async function finalWatch(ws: Workspace, timeoutMs: number, errors: string[]): Promise<void> {
  const { env } = ws
  const cli = startCli(['watch', '--dir', ws.dirs.backups], env)
  cli.child.stdin.end()
  const gone = () => cli.child.exitCode !== null || cli.child.signalCode !== null
  try {
    await waitFor(() => cli.output().stdout.includes('Found ') || gone(), {
      what: 'the final watch to scan the folder',
      timeoutMs: 60_000,
      detail: () => transcriptOf(cli),
    })
    let emptySince: number | undefined
    await waitFor(
      async () => {
        if (gone()) return true
        const open = jobsIn(ws.dirs.home, ['queued', 'uploading', 'verifying'])
        if (open > 0) emptySince = undefined
        else emptySince ??= Date.now()
        return emptySince !== undefined && Date.now() - emptySince > SETTLE_SECONDS * 1000
      },
      { what: 'the final watch to empty the queue', timeoutMs, intervalMs: 500 },
    )
  } catch (error) {
    errors.push(error instanceof Error ? error.message : String(error))
  }
  if (gone()) errors.push(`the final watch ended by itself, ${how(cli)}`)
  cli.child.kill('SIGTERM')
  const ended = await cli.done
  if (ended.code !== 0 && !errors.length) {
    errors.push(`the final watch did not stop cleanly on SIGTERM, ${how(cli)}`)
  }
  ws.transcripts.push(`=== final watch\n${transcriptOf(cli)}`)
}

async function history(env: NodeJS.ProcessEnv): Promise<JobLine[]> {
  const result = await runCli(['history', '--json', '--limit', '10000'], env)
  if (result.code !== 0) throw new Error(`history failed (exit ${result.code}): ${result.stderr}`)
  return (JSON.parse(result.stdout) as { jobs: JobLine[] }).jobs
}

/** The emulator's committed files; anything outside the backups folder counts too. */
function dropboxCopies(emulator: DropboxEmulator): StoredCopy[] {
  return [...emulator.files().values()].map((file) => ({
    destination: 'dropbox',
    name: file.path_lower.startsWith(`${REMOTE_FOLDER.toLowerCase()}/`)
      ? file.name
      : file.path_display,
    size: file.size,
    contentHash: file.content_hash,
    read: async () => readFileSync(file.localPath),
  }))
}

/** How a CLI process ended (a signal from elsewhere shows here), and the end of its stderr. */
function how(cli: RunningCli): string {
  const { exitCode, signalCode, pid } = cli.child
  const stderr = cli
    .output()
    .stderr.replace(/^Warning: Tokens are stored UNENCRYPTED .*\n/gm, '')
    .split('\n')
    .slice(-15)
    .join('\n')
  return `pid ${pid}, exit code ${exitCode}, signal ${signalCode}:\n${stderr}`
}
