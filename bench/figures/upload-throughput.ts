import { spawnSync } from 'node:child_process'
import { cpus } from 'node:os'
import { linkSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { finished, startCli, type Exit, type Running } from '../child-process.ts'
import { connectedDropbox, type ConnectedDropbox } from '../connected-dropbox.ts'
import {
  curlSession,
  curlAuthorization,
  curlToSink,
  deleteRemote,
  ensureCurl,
  removeParts,
  splitFile,
} from '../curl-clients.ts'
import { EXIT_REPORT_PRELOAD, exitReportFile } from '../exit-report.ts'
import { detail, heading, verdict, type Figure } from '../report.ts'
import { isUploadRoute, traffic } from '../request-clock.ts'
import { fixed, mbPerSecond, median, MIB, seconds } from '../stats.ts'
import type { Teardown } from '../teardown.ts'
import { ramFolder } from '../workspace.ts'

const RUN_TIMEOUT_MS = 300_000
/** The app's default chunkSize setting, so curl's session makes the same requests as ours. */
const CHUNK = 8 * MIB

/** One `upload --json` run, with where its time went according to the emulator's clock. */
interface OurRun {
  ms: number
  startup: number
  transfer: number
  /** Time with no upload request in hand between the first and the last (client work, round trips). */
  idle: number
  mostInFlight: number
  tail: number
  requests: number
  /** CPU time of the CLI process, and of this process (the emulator) meanwhile. */
  cliCpu: number
  emulatorCpu: number
}

/**
 * 1 GiB through the real CLI `upload` command (process start to exit, as the user waits for it)
 * against curl sending the same file through the same upload-session routes (the judged ratio:
 * the client's efficiency), and curl POSTing it to the emulator's discard route (what the
 * machine allows without the emulator's hashing and storing). Alternating, one run.
 */
export async function uploadThroughput(
  root: string,
  file: string,
  size: number,
  rounds: number,
  expectedHash: string | undefined,
  teardown: Teardown,
): Promise<Figure> {
  heading(`1. Upload throughput: CLI upload vs curl, ${size / 2 ** 30} GiB to the emulator`)
  ensureCurl(detail)
  // Ours and curl's session each leave a copy per round, deleted before the next round.
  const storage = ramFolder(teardown, 3 * size, root)
  const inRam = storage !== root
  const dropbox = await connectedDropbox(root, 'throughput', teardown, storage)
  const { url } = dropbox.emulator
  const authorization = await curlAuthorization(url, root)
  teardown.add(() => rmSync(authorization, { force: true }))
  const parts = splitFile(file, size, CHUNK, join(root, 'curl-parts'))
  teardown.add(() => removeParts(parts))
  const ours: OurRun[] = []
  const sink: number[] = []
  const session: number[] = []
  const contenders = [
    async (round: number) =>
      ours.push(await ourUpload(dropbox, file, round, expectedHash, teardown)),
    async () => sink.push(await curlToSink(url, file, size, teardown)),
    async (round: number) =>
      session.push(await curlSession(url, authorization, parts, `/curl/${round}.tar.xz`, teardown)),
  ]
  for (let round = 1; round <= rounds; round++) {
    // Rotate who goes first, so no side always runs on a warmer or cooler machine.
    for (let i = 0; i < contenders.length; i++) {
      spawnSync('sync') // earlier runs' dirty pages must not be written back during this one
      await contenders[(i + round) % contenders.length]!(round)
    }
    const rate = (ms: number) => `${seconds(ms)} (${fixed(mbPerSecond(size, ms), 0)} MB/s)`
    detail(
      `round ${round}: curl to /__sink ${rate(sink.at(-1)!)}, CLI upload ${rate(ours.at(-1)!.ms)}` +
        ` (ratio ${fixed(sink.at(-1)! / ours.at(-1)!.ms)}), curl session ${rate(session.at(-1)!)}`,
    )
    // A RAM-backed store that keeps filling gets slower for everyone (seen here: ~1.7x by round 3).
    for (const stored of dropbox.emulator.files().values()) {
      await deleteRemote(url, authorization, stored.path_display)
    }
  }
  const oursMbs = mbPerSecond(size, median(ours.map((r) => r.ms)))
  const sinkMbs = mbPerSecond(size, median(sink))
  const sessionMbs = mbPerSecond(size, median(session))
  detail(
    `ours: node bin/fermentrack-backup.js upload --json (the real CLI; a concurrent session of ` +
      `parallelChunks pieces sized from the measured rate, content_hash and a per-request hash, ` +
      `resume state saved per piece), process start to ` +
      `exit incl. Node start-up; the emulator hashes every byte and stores it ` +
      `${inRam ? 'in RAM (tmpfs)' : 'on disk (no tmpfs here)'}. ` +
      `Median ${fixed(oursMbs, 0)} MB/s`,
  )
  detail(
    `reference: curl -X POST -T file to /__sink, which reads and discards the body; process ` +
      `start to exit. Median ${fixed(sinkMbs, 0)} MB/s`,
  )
  explain(ours, size, sessionMbs, median(sink))
  detail(
    `so the ratio splits into emulator routes vs sink ${fixed(sessionMbs / sinkMbs)}x ` +
      `(what any client could reach here) times our client vs curl on the same routes ` +
      `${fixed(oursMbs / sessionMbs)}x`,
  )
  // Judged against curl on the same session routes (#12): the client's own cost, with what the
  // emulator's routes cost taken out. The ratio to the sink is printed beside it.
  const ratio = oursMbs / sessionMbs
  const figure: Figure = {
    name: '1 upload throughput',
    value: `${fixed(ratio)}x curl session`,
    target: '>= 1.0x',
    pass: ratio >= 1,
    measured:
      `CLI ${fixed(oursMbs, 0)} MB/s, curl session ${fixed(sessionMbs, 0)} MB/s; ` +
      `${fixed(oursMbs / sinkMbs)}x curl to /__sink (${fixed(sinkMbs, 0)} MB/s)`,
  }
  verdict(figure)
  return figure
}

/** Where the CLI's time went (its median run), and what the emulator alone allows. */
function explain(ours: OurRun[], size: number, sessionMbs: number, sinkMs: number): void {
  const typical = [...ours].sort((a, b) => a.ms - b.ms)[ours.length >> 1]!
  detail(
    `curl through the same session routes (start, append_v2 x N, finish; ` +
      `emulator hashing and storing as for ours): median ${fixed(sessionMbs, 0)} MB/s`,
  )
  detail(
    `CLI median run: start-up to first request ${seconds(typical.startup)}; ` +
      `${typical.requests} upload requests over ${seconds(typical.transfer)} ` +
      `(${fixed(mbPerSecond(size, typical.transfer), 0)} MB/s), of which ` +
      `up to ${typical.mostInFlight} at once, none in hand for ${seconds(typical.idle)} (client ` +
      `work between answers and requests); last answer to exit ${seconds(typical.tail)}`,
  )
  detail(
    `CPU in that run: CLI process ${seconds(typical.cliCpu)} ` +
      `(${fixed((100 * typical.cliCpu) / typical.ms, 0)}% of one core over the run), ` +
      `emulator (this process) ${seconds(typical.emulatorCpu)}`,
  )
  // Both sides hash every byte (the client to verify, the emulator to answer content_hash) on
  // the same cores; whatever the scheduling, the run cannot take less than their CPU time
  // spread over every core.
  const floorMs = (typical.cliCpu + typical.emulatorCpu) / cpus().length
  detail(
    `so with this CPU work on ${cpus().length} cores the run takes at least ${seconds(floorMs)}: ` +
      `a ratio of at most ${fixed(sinkMs / floorMs)}x against the sink's median`,
  )
}

async function ourUpload(
  dropbox: ConnectedDropbox,
  file: string,
  round: number,
  expectedHash: string | undefined,
  teardown: Teardown,
): Promise<OurRun> {
  // A new name per round (a hard link: no copy), so neither the job store nor the remote
  // side can recognise an earlier round's upload and skip the transfer.
  const path = join(dirname(file), `throughput-${round}.tar.xz`)
  linkSync(file, path)
  teardown.add(() => rmSync(path, { force: true }))
  const report = exitReportFile(dirname(file), `throughput-${round}`)
  const env = { ...dropbox.env, ...report.env }
  const cpuBefore = process.cpuUsage()
  const running = startCli(['upload', path, '--json'], env, teardown, EXIT_REPORT_PRELOAD)
  const exit = await finished(running, RUN_TIMEOUT_MS, 'upload')
  const emulatorCpu = process.cpuUsage(cpuBefore)
  checkUploaded(exit, expectedHash)
  return {
    ...split(dropbox, running, exit),
    cliCpu: report.read().cpuMs,
    emulatorCpu: (emulatorCpu.user + emulatorCpu.system) / 1000,
  }
}

function checkUploaded(exit: Exit, expectedHash: string | undefined): void {
  const [job] = JSON.parse(exit.stdout) as Array<{ status: string; content_hash: string }>
  if (job?.status !== 'done') throw new Error(`upload did not finish: ${exit.stdout}`)
  if (expectedHash && job.content_hash !== expectedHash) {
    throw new Error(`uploaded content_hash ${job.content_hash} is not hashFile's ${expectedHash}`)
  }
}

function split(dropbox: ConnectedDropbox, running: Running, exit: Exit) {
  const seen = dropbox.clock.between(running.startedAt, exit.endedAt)
  const uploads = seen.filter(isUploadRoute)
  const first = seen[0]
  const last = uploads.at(-1)
  if (!first || !last?.answeredAt) throw new Error('the emulator saw no upload from the CLI')
  // Concurrent sessions overlap their requests: idle is the time with none in hand.
  const { idle, mostInFlight } = traffic(uploads)
  return {
    ms: exit.endedAt - running.startedAt,
    startup: first.arrivedAt - running.startedAt,
    transfer: last.answeredAt - uploads[0]!.arrivedAt,
    idle,
    mostInFlight,
    tail: exit.endedAt - last.answeredAt,
    requests: uploads.length,
  }
}
