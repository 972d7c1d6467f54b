import { randomFillSync } from 'node:crypto'
import { mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { ContentHasher } from '../../src/main/providers/dropbox/content-hash.ts'
import { JobStore, type NewJob } from '../../src/main/uploads/job-store.ts'
import { SettingsStore } from '../../src/main/store/settings-store.ts'
import { startCli } from '../child-process.ts'
import { connectedDropbox } from '../connected-dropbox.ts'
import { ProcessSampler, type Sample } from '../proc-stats.ts'
import { detail, heading, verdict, type Figure } from '../report.ts'
import { isUploadRoute } from '../request-clock.ts'
import { fixed } from '../stats.ts'
import { sleep, type Teardown } from '../teardown.ts'

const FILE_BYTES = 2048
/** Busy = at least this much CPU within the window (12 %); below it the process only idles. */
const BUSY_WINDOW_MS = 250
const BUSY_CPU_MS = 30
/** Quiet this long (beyond the queue's 5 s poll and the watcher's 5 s re-check) ends it. */
const QUIET_MS = 6000
const GIVE_UP_MS = 90_000

/**
 * `watch` started over a folder of already-uploaded backups: how long until it is idle, and how
 * many upload requests it makes (none is right). The job store is seeded directly through
 * JobStore.offerAll + finish, with the exact path, size and mtime the watcher will see.
 */
export async function startupIdle(
  root: string,
  count: number,
  teardown: Teardown,
): Promise<Figure> {
  heading(`5. Start-up of watch over ${count} backups already uploaded`)
  const dropbox = await connectedDropbox(root, 'startup', teardown)
  const dir = join(root, 'startup-watched')
  mkdirSync(dir)
  seed(dropbox.home, dir, count, dropbox.connectionId)
  detail(
    `${count} files of ${FILE_BYTES} B created (so the page cache is warm); job store seeded ` +
      `with ${count} done jobs through JobStore.offerAll + finish`,
  )

  const watch = startCli(['watch', '--dir', dir], dropbox.env, teardown)
  const sampler = new ProcessSampler(watch.pid, 50)
  const spawned = watch.startedAt
  let found: { text: string; at: number } | undefined
  void watch
    .line((l) => l.startsWith('Found '), GIVE_UP_MS)
    .then(
      (line) => (found = line),
      () => {}, // older CLIs do not print it; CPU quiet alone then marks the scan's end
    )
  const watching = await watch.line((l) => l.startsWith('Watching '), 30_000)
  const quiet = () => lastBusy(sampler.samples) ?? spawned
  for (;;) {
    await sleep(100)
    const now = performance.now()
    const settled = Math.max(quiet(), found?.at ?? 0, watching.at)
    if (now - settled >= QUIET_MS || now - spawned >= GIVE_UP_MS) break
  }
  const observedUntil = performance.now()
  sampler.stop()
  const quietAt = quiet()
  const seen = dropbox.clock.between(spawned, observedUntil)
  const uploads = seen.filter(isUploadRoute).length
  await watch.stop()
  const idleAt = Math.max(quietAt, found?.at ?? 0, watching.at)
  const rel = (at: number) => `${fixed((at - spawned) / 1000, 3)} s`
  detail(`"Watching ..." printed at ${rel(watching.at)} after spawn`)
  detail(found ? `"${found.text}" at ${rel(found.at)}` : '"Found N backups" line: not printed')
  detail(`CPU busy (>= ${BUSY_CPU_MS} ms per ${BUSY_WINDOW_MS} ms) until ${rel(quietAt)}`)
  const cpu = sampler.samples.at(-1)?.cpuMs ?? 0
  detail(`CPU used by watch: ${fixed(cpu / 1000)} s; observed for ${rel(observedUntil)}`)
  detail(`requests to the emulator: ${seen.length}, to upload routes: ${uploads}`)
  const after = jobCounts(dropbox.home)
  detail(`job store after: ${JSON.stringify(after)}`)
  const idle = (idleAt - spawned) / 1000
  const untouched = after.done === count && after.total === count
  if (!untouched) detail(`!! the job store changed: expected exactly ${count} done jobs`)
  if (found && !found.text.startsWith(`Found ${count} `))
    detail(`!! the scan did not find ${count}`)
  const figure: Figure = {
    name: `5 start-up, ${count} done`,
    value: `idle ${fixed(idle)} s, ${uploads} uploads`,
    target: '<= 3 s, 0 uploads',
    pass: idle <= 3 && uploads === 0 && untouched,
    measured: `Watching ${rel(watching.at)}, idle ${rel(idleAt)}, ${seen.length} requests`,
  }
  verdict(figure)
  return figure
}

/** Files from yesterday, and the done jobs a first run would have left for them. */
function seed(home: string, dir: string, count: number, connectionId: string): void {
  const bytes = randomFillSync(Buffer.alloc(FILE_BYTES))
  const yesterday = Math.floor(Date.now() / 1000) - 86_400
  const hashes: string[] = []
  const offers: NewJob[] = []
  const { remoteFolder } = new SettingsStore(home).get()
  for (let i = 0; i < count; i++) {
    const name = `backup-${String(i).padStart(5, '0')}.tar.xz`
    const path = join(dir, name)
    bytes.writeUInt32LE(i, 0)
    writeFileSync(path, bytes)
    utimesSync(path, yesterday + i, yesterday + i)
    hashes.push(new ContentHasher().update(bytes).digest())
    const { size, mtimeMs } = statSync(path)
    offers.push({ path, name, size, mtimeMs, connectionId, remoteFolder, origin: 'watch' })
  }
  const store = new JobStore(home)
  try {
    const now = Date.now()
    const jobs = store.offerAll(offers, now)
    store.transaction(() =>
      jobs.forEach((job, i) => {
        if (!job) throw new Error(`seeding: ${offers[i]!.name} was done already`)
        const remotePath = `${remoteFolder}/${job.name}`
        const checksum = { algorithm: 'dropbox-content-hash', value: hashes[i]! }
        const result = {
          remotePath,
          checksum,
          verifiedBy: 'seeded',
          renamed: false,
          bytesPerSecond: 0,
        }
        store.finish(job, result, now)
      }),
    )
  } finally {
    store.close()
  }
}

/** When the process was last busy (CPU time still rising fast), or undefined if never. */
function lastBusy(samples: Sample[]): number | undefined {
  for (let i = samples.length - 1; i > 0; i--) {
    const end = samples[i]!
    let j = i
    while (j > 0 && end.at - samples[j]!.at < BUSY_WINDOW_MS) j--
    if (end.cpuMs - samples[j]!.cpuMs < BUSY_CPU_MS) continue
    // The window ends late by up to its length: step back to where the CPU time stopped rising.
    let k = i
    while (k > j && samples[k - 1]!.cpuMs === end.cpuMs) k--
    return samples[k]!.at
  }
  return undefined
}

function jobCounts(home: string): Record<string, number> {
  const store = new JobStore(home)
  try {
    const counts: Record<string, number> = { ...store.counts() }
    counts.total = Object.values(counts).reduce((a, b) => a + b, 0)
    return counts
  } finally {
    store.close()
  }
}
