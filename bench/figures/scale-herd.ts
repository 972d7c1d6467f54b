import { rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { startRemoteEmulator, type EmulatorReport } from '../remote-emulator.ts'
import { detail, heading, verdict, type Figure } from '../report.ts'
import { forkChild } from '../ipc-child.ts'
import type { InstallPlan, JobSummary, WorkerCommand } from '../install-worker.ts'
import { storedExactly, type QueuedBackup } from '../simulated-install.ts'
import { fixed, seconds } from '../stats.ts'
import { sleep, type Teardown } from '../teardown.ts'
import { ramFolder } from '../workspace.ts'

const INSTALLS = 200
const BACKUPS_PER_INSTALL = 3
const LIMIT_PER_SECOND = 50
const OUTAGE_MS = 60_000
/** Installs come online (their backups queued) spread over the outage's first half. */
const ARRIVAL_MS = 30_000
const DEADLINE_MS = 12 * 60_000
const TARGET = 1.2
/** Processes the installs are shared among (each its own event loop, as machines have). */
const WORKERS = 4
const WORKER = resolve(import.meta.dirname, '../install-worker.ts')
/** The backups twice (the installs' and the emulator's copies), and the job stores. */
const RAM_BYTES = 1024 * 1024 * 1024

/**
 * Figure 8: 200 installs, each a real upload queue + Dropbox provider with its own home and
 * token, run 50 to a process in 4 processes, against one emulator (in a process of its own)
 * with an app-wide limit of 50 requests/s. Dropbox is down (503 to everything) for 60 s; the installs come online, each with
 * its backups queued, during the first 30 s of it; then it recovers. Judged: the peak
 * arrival rate at the emulator in any one-second window (refused requests count too) against
 * the limit, the time until every backup is stored, and that each is stored byte-exact, once.
 */
export async function scaleHerd(root: string, teardown: Teardown): Promise<Figure> {
  heading(
    `8. At scale: ${INSTALLS} installs, limit ${LIMIT_PER_SECOND} requests/s, ${OUTAGE_MS / 1000} s outage`,
  )
  // On a RAM disk if there is room: 200 installs syncing their job stores to one shared disk
  // would stall this process's event loop and send their requests in clumps that 200 separate
  // machines would not.
  const base = ramFolder(teardown, RAM_BYTES, root)
  const storage = join(base, 'scale-dropbox')
  teardown.add(() => rmSync(storage, { recursive: true, force: true }))
  teardown.add(() => rmSync(join(base, 'scale'), { recursive: true, force: true }))
  const emulator = await startRemoteEmulator(storage, teardown)
  const plans = Array.from({ length: INSTALLS }, (_, i): InstallPlan => {
    const name = `install-${String(i).padStart(3, '0')}`
    const sizes = Array.from({ length: BACKUPS_PER_INSTALL }, () => sizeOfBackup())
    return {
      name,
      home: join(base, 'scale', name),
      sizes,
      startAfterMs: Math.random() * ARRIVAL_MS,
    }
  })
  const workers = Array.from({ length: WORKERS }, () =>
    forkChild<WorkerCommand>(WORKER, [], teardown),
  )
  for (const worker of workers) teardown.add(() => worker.ask({ op: 'stop' }).then(() => {}))
  const address = { url: emulator.url, authorizeUrl: emulator.authorizeUrl }
  const backups = (
    await Promise.all(
      workers.map((worker, w) =>
        worker.ask<QueuedBackup[]>({
          op: 'setup',
          emulator: address,
          plans: plans.filter((_, i) => i % WORKERS === w),
        }),
      ),
    )
  ).flat()
  const before = (await emulator.report()).requests.length

  await emulator.setRateLimit({ requestsPerSecond: LIMIT_PER_SECOND })
  await emulator.startOutage(OUTAGE_MS)
  const started = Date.now()
  const recovered = started + OUTAGE_MS
  await Promise.all(workers.map((worker) => worker.ask({ op: 'start' })))
  const jobsNow = async () =>
    (await Promise.all(workers.map((worker) => worker.ask<JobSummary[]>({ op: 'jobs' })))).flat()
  const finished = await allDone(jobsNow, started + DEADLINE_MS)
  const report = await emulator.report()
  const seen = report.requests.slice(before)

  const peak = peakPerSecond(seen)
  const during = (from: number, to: number) =>
    peakPerSecond(seen.filter((r) => r.receivedAt >= from && r.receivedAt < to))
  const phases = [during(started, recovered), during(recovered, Infinity)]
  if (process.env.FTB_BENCH_TRACE) writeTrace(process.env.FTB_BENCH_TRACE, seen, started)
  const { files } = report
  const exact = backups.filter((backup) => storedExactly(files, backup)).length
  // Files go up alone (files/upload) or, beside others, in sessions committed by
  // finish_batch_v2: what counts is one file per backup at Dropbox, each byte-exact.
  const ok = (path: string) => seen.filter((r) => r.path === path && r.status === 200)
  const single = ok('/2/files/upload').length + ok('/2/files/upload_session/finish').length
  const batches = ok('/2/files/upload_session/finish_batch_v2')
  const entries = batches.reduce((sum, r) => sum + (r.batchEntries ?? 0), 0)
  const failed = (await jobsNow()).filter((job) => job.state === 'failed').length
  const count = (status: number) => seen.filter((r) => r.status === status).length
  detail(`${seen.length} requests: ${count(429)} answered 429, ${count(503)} answered 503`)
  detail(
    `peak ${peak} requests in one second (${fixed(peak / LIMIT_PER_SECOND)} × the limit): ` +
      `${phases[0]} in the outage (installs coming online), ${phases[1]} after it`,
  )
  detail(
    finished
      ? `every upload done ${seconds(finished - recovered, 1)} after the outage ended ` +
          `(${seconds(finished - started, 1)} from the first install)`
      : `NOT every upload done within ${DEADLINE_MS / 60_000} min`,
  )
  detail(
    `${exact}/${backups.length} stored byte-exact, ${files.size} files at Dropbox, ` +
      `${failed} jobs failed; commits: ${single} one by one, ${batches.length} finish_batch_v2 ` +
      `carrying ${entries} entries`,
  )
  const intact = exact === backups.length && files.size === exact && failed === 0
  const ratio = peak / LIMIT_PER_SECOND
  const figure: Figure = {
    name: '8 at scale',
    value: `${fixed(ratio)} × limit`,
    target: `≤ ${TARGET} × limit, all stored once`,
    pass: ratio <= TARGET && intact && !!finished,
    measured:
      `peak ${peak}/s (limit ${LIMIT_PER_SECOND}/s; ${phases.join('/')} in/after the outage), ` +
      (finished ? `done ${seconds(finished - recovered, 1)} after the outage, ` : 'unfinished, ') +
      `${exact}/${backups.length} exact, ${batches.length} batches of ${entries}`,
  }
  verdict(figure)
  return figure
}

/** 16 KiB to 512 KiB: one request each (files/upload, or a session start beside others). */
function sizeOfBackup(): number {
  return 16_384 + Math.floor(Math.random() * (512 - 16) * 1024)
}

/** When the last job of every install was done, or undefined past the deadline. */
async function allDone(
  jobsNow: () => Promise<JobSummary[]>,
  deadline: number,
): Promise<number | undefined> {
  while (Date.now() < deadline) {
    const jobs = await jobsNow()
    const settled = jobs.length === INSTALLS * BACKUPS_PER_INSTALL
    if (settled && jobs.every((job) => job.state === 'done' || job.state === 'failed'))
      return Math.max(...jobs.map((job) => job.finishedAt ?? 0))
    await sleep(1000)
  }
  return undefined
}

/** The most requests that arrived within any one second (a sliding window over arrivals). */
function peakPerSecond(records: EmulatorReport['requests']): number {
  const times = records.map((r) => r.receivedAt).sort((a, b) => a - b)
  let peak = 0
  for (let first = 0, last = 0; last < times.length; last++) {
    while (times[last]! - times[first]! >= 1000) first++
    peak = Math.max(peak, last - first + 1)
  }
  return peak
}

/** FTB_BENCH_TRACE=file: each request as "seconds from the start,path,status", to plot. */
function writeTrace(file: string, seen: EmulatorReport['requests'], started: number): void {
  const lines = seen.map(
    (r) => `${((r.receivedAt - started) / 1000).toFixed(3)},${r.path},${r.status}`,
  )
  writeFileSync(file, lines.join('\n') + '\n')
}
