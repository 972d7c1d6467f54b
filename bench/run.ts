// npm run bench [hash throughput memory latency startup shaped webdav cap scale]: every figure measured side by side
// with its reference in this one run, against the Dropbox emulator (webdav: rclone serve webdav)
// on 127.0.0.1 (shaped: across a shaped link into a network namespace, bench/shaped-link.ts).
import { cpus } from 'node:os'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { bandwidthCap } from './figures/bandwidth-cap.ts'
import { hashThroughput } from './figures/hash-throughput.ts'
import { scaleHerd } from './figures/scale-herd.ts'
import { startupIdle } from './figures/startup-idle.ts'
import { shapedLinkUpload } from './figures/shaped-link.ts'
import { uploadMemory } from './figures/upload-memory.ts'
import { uploadThroughput } from './figures/upload-throughput.ts'
import { watchLatency } from './figures/watch-latency.ts'
import { webdavP6 } from './figures/webdav-p6.ts'
import { machineLoad, summary, type Figure, type Outcome } from './report.ts'
import { GIB } from './stats.ts'
import { Teardown } from './teardown.ts'
import { createWorkspace, requireFreeSpace, writeRandomFile } from './workspace.ts'

const KEYS = [
  'hash',
  'throughput',
  'memory',
  'latency',
  'startup',
  'shaped',
  'webdav',
  'cap',
  'scale',
] as const
const ROUNDS = 3
const LATENCY_REPEATS = 5
const STARTUP_FILES = 10_000
const WATCHDOG_MS = 15 * 60_000

const asked = process.argv.slice(2)
const unknown = asked.filter((key) => !(KEYS as readonly string[]).includes(key))
if (unknown.length) {
  process.stderr.write(`Unknown figure ${unknown.join(', ')}; choose from ${KEYS.join(', ')}.\n`)
  process.exit(2)
}
const wanted = (key: (typeof KEYS)[number]) => asked.length === 0 || asked.includes(key)

const teardown = new Teardown()
let stopping = false
async function abandon(why: string, code: number): Promise<never> {
  if (!stopping) {
    stopping = true
    process.stderr.write(`\n${why}: stopping children, removing temp files ...\n`)
    await teardown.run()
  }
  process.exit(code)
}
process.once('SIGINT', () => void abandon('Interrupted', 130))
process.once('SIGTERM', () => void abandon('Terminated', 143))
setTimeout(() => void abandon(`No end after ${WATCHDOG_MS / 60_000} min`, 1), WATCHDOG_MS).unref()

const outcomes: Outcome[] = []
/** Each figure cleans up after itself at once, so the big files of one never meet the next's. */
async function figure(name: string, measure: (scope: Teardown) => Promise<Figure>): Promise<void> {
  const scope = new Teardown()
  teardown.add(() => scope.run())
  try {
    outcomes.push(await measure(scope))
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    process.stdout.write(`   !! ${name} failed: ${message}\n`)
    outcomes.push({ name, error: message })
  } finally {
    await scope.run()
  }
}

try {
  const root = createWorkspace(teardown)
  process.stdout.write(
    `Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), temp ${root}\n` +
      `Before: ${machineLoad()}\n`,
  )
  let contentHash: string | undefined
  if (wanted('hash') || wanted('throughput')) {
    const big = join(root, 'one-gib.tar.xz')
    const ready = (async () => {
      requireFreeSpace(root, (4 + 2 * ROUNDS) * GIB, 'The 1 GiB figures')
      await writeRandomFile(big, GIB)
    })()
    ready.catch(() => {}) // each figure below awaits it and reports its failure
    if (wanted('hash'))
      await figure('3 content_hash throughput', async (scope) => {
        await ready
        const result = await hashThroughput(big, GIB, ROUNDS, scope)
        contentHash = result.contentHash
        return result.figure
      })
    if (wanted('throughput'))
      await figure('1 upload throughput', async (scope) => {
        await ready
        return uploadThroughput(root, big, GIB, ROUNDS, contentHash, scope)
      })
    rmSync(big, { force: true })
  }
  if (wanted('memory'))
    await figure('2 peak RSS, 2 GiB upload', async (scope) => {
      requireFreeSpace(root, 5 * GIB, 'The 2 GiB upload')
      const big = join(root, 'two-gib.tar.xz')
      scope.add(() => rmSync(big, { force: true }))
      await writeRandomFile(big, 2 * GIB)
      return uploadMemory(root, big, 2 * GIB, scope)
    })
  if (wanted('latency'))
    await figure('4 latency - settle', (scope) => watchLatency(root, LATENCY_REPEATS, scope))
  if (wanted('startup'))
    await figure(`5 start-up, ${STARTUP_FILES} done`, (scope) =>
      startupIdle(root, STARTUP_FILES, scope),
    )
  if (wanted('shaped'))
    await figure('6 shaped link', (scope) => shapedLinkUpload(root, ROUNDS, scope))
  if (wanted('webdav'))
    await figure('P6 WebDAV upload vs rclone copy', (scope) => webdavP6(root, ROUNDS, scope))
  if (wanted('cap')) await figure('7 bandwidth cap', (scope) => bandwidthCap(root, scope))
  if (wanted('scale')) await figure('8 at scale', (scope) => scaleHerd(root, scope))
  outcomes.sort((a, b) => a.name.localeCompare(b.name))
  summary(outcomes)
  process.stdout.write(`After: ${machineLoad()}\n`)
} finally {
  await teardown.run()
}
process.exitCode = outcomes.some((o) => 'error' in o) ? 1 : 0
