import { spawnSync } from 'node:child_process'
import { linkSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { finished, startCli } from '../child-process.ts'
import { connectedDropbox, type ConnectedDropbox } from '../connected-dropbox.ts'
import {
  curlAuthorization,
  curlSession,
  curlToSink,
  deleteRemote,
  ensureCurl,
  removeParts,
  splitFile,
} from '../curl-clients.ts'
import { EXIT_REPORT_PRELOAD, exitReportFile } from '../exit-report.ts'
import { detail, heading, machineLoad, verdict, type Figure } from '../report.ts'
import { isUploadRoute, traffic, type Arrival, type Traffic } from '../request-clock.ts'
import { shapedLink, type LinkSpec, type ShapedLink } from '../shaped-link.ts'
import { fixed, mbPerSecond, median, MIB, seconds } from '../stats.ts'
import type { Teardown } from '../teardown.ts'
import { ramFolder, requireFreeSpace, writeRandomFile } from '../workspace.ts'

const LINK: LinkSpec = { mbit: 400, rttMs: 80 }
const SIZE = 512 * MIB
/** curl's sequential session sends the chunks the app sent before concurrent sessions: 8 MiB. */
const CHUNK = 8 * MIB
const RUN_TIMEOUT_MS = 300_000

/** One run: at the emulator (first request in to last answer out) and from process start. */
interface Timed {
  atEmulator: number
  endToEnd: number
}

/** How the emulator saw a run's upload requests. */

interface OurRun extends Timed, Traffic {
  cliCpu: number
  /** CPU time of this process meanwhile: the emulator hashing and storing every byte. */
  emulatorCpu: number
}

/**
 * Figure 6: the CLI's 512 MiB `upload` over a link of 400 Mbit/s and 80 ms round trip (see
 * shaped-link.ts), against what the link itself allows (curl streaming the file to the discard
 * route) and against a sequential session in 8 MiB chunks (curl), all through the same link,
 * alternating in one run. Judged at the emulator; the end-to-end ratios are printed too.
 */
export async function shapedLinkUpload(
  root: string,
  rounds: number,
  teardown: Teardown,
): Promise<Figure> {
  heading(
    `6. Shaped link: ${SIZE / MIB} MiB upload over ${LINK.mbit} Mbit/s and ${LINK.rttMs} ms ` +
      `round trip, CLI vs the link's limit and a sequential session`,
  )
  ensureCurl(detail)
  detail(`before: ${machineLoad()}`)
  // The file and curl's parts of it on disk; the emulator's copies in RAM where there is room.
  requireFreeSpace(root, 2 * SIZE, 'The shaped-link figure')
  const storage = ramFolder(teardown, 3 * SIZE, root)
  const dropbox = await connectedDropbox(root, 'shaped', teardown, storage)
  const { url } = dropbox.emulator
  const link = await shapedLink(Number(new URL(url).port), LINK, teardown)
  const file = join(root, 'shaped.tar.xz')
  teardown.add(() => rmSync(file, { force: true }))
  await writeRandomFile(file, SIZE)
  const authorization = await curlAuthorization(url, root)
  teardown.add(() => rmSync(authorization, { force: true }))
  const parts = splitFile(file, SIZE, CHUNK, join(root, 'shaped-parts'))
  teardown.add(() => removeParts(parts))

  const ours: OurRun[] = []
  const sink: Timed[] = []
  const session: Array<Timed & Traffic> = []
  const contenders = [
    async (round: number) => ours.push(await ourUpload(dropbox, link, file, round, teardown)),
    async () =>
      sink.push(
        await timed(
          dropbox,
          (a) => a.path === '/__sink',
          () => curlToSink(link.url, file, SIZE, teardown, link.exec),
        ),
      ),
    async (round: number) =>
      session.push(
        await timed(dropbox, isUploadRoute, () =>
          curlSession(
            link.url,
            authorization,
            parts,
            `/shaped/curl-${round}.tar.xz`,
            teardown,
            link.exec,
          ),
        ),
      ),
  ]
  for (let round = 1; round <= rounds; round++) {
    for (let i = 0; i < contenders.length; i++) {
      spawnSync('sync')
      await contenders[(i + round) % contenders.length]!(round)
    }
    const [o, a, b] = [ours.at(-1)!, sink.at(-1)!, session.at(-1)!]
    detail(
      `round ${round}: CLI ${rate(o.atEmulator)}, link limit (curl to /__sink) ` +
        `${rate(a.atEmulator)}, sequential session (curl) ${rate(b.atEmulator)}; ` +
        `${fixed(a.atEmulator / o.atEmulator)}x the link, ${fixed(b.atEmulator / o.atEmulator)}x ` +
        `the session`,
    )
    for (const stored of dropbox.emulator.files().values()) {
      await deleteRemote(url, authorization, stored.path_display)
    }
  }
  return judge(ours, sink, session)
}

const rate = (ms: number) => `${seconds(ms, 2)} (${fixed(mbPerSecond(SIZE, ms), 1)} MB/s)`

const middle = <T extends Timed>(runs: T[]) =>
  [...runs].sort((x, y) => x.atEmulator - y.atEmulator)[runs.length >> 1]!

const describe = (run: Timed & Traffic) =>
  `${run.requests} upload requests, at most ${run.mostInFlight} at once at the emulator, ` +
  `none in hand for ${seconds(run.idle, 2)} of ${seconds(run.atEmulator, 2)} (round trips and ` +
  `client work)`

function judge(ours: OurRun[], sink: Timed[], session: Array<Timed & Traffic>): Figure {
  const at = (runs: Timed[]) => median(runs.map((r) => r.atEmulator))
  const e2e = (runs: Timed[]) => median(runs.map((r) => r.endToEnd))
  const linkSeconds = (SIZE * 8) / (LINK.mbit * 1e6)
  detail(
    `the link: ${LINK.mbit} Mbit/s carries ${SIZE / MIB} MiB in ${linkSeconds.toFixed(2)} s ` +
      `(${fixed((LINK.mbit * 1e6) / 8 / 1e6, 1)} MB/s) before any protocol overhead`,
  )
  detail(
    `medians at the emulator (first request in to last answer out): CLI ${rate(at(ours))}, ` +
      `link limit ${rate(at(sink))}, sequential session ${rate(at(session))}`,
  )
  detail(
    `medians end to end (process start to exit): CLI ${rate(e2e(ours))}, link limit ` +
      `${rate(e2e(sink))}, sequential session ${rate(e2e(session))}; ratios ` +
      `${fixed(e2e(sink) / e2e(ours))}x the link, ${fixed(e2e(session) / e2e(ours))}x the session`,
  )
  const typical = middle(ours)
  detail(
    `CLI median run: ${describe(typical)}; CPU: the CLI ${seconds(typical.cliCpu, 2)}, the ` +
      `emulator ${seconds(typical.emulatorCpu, 2)} (its sink route needs next to none). Sequential ` +
      `session's median run: ${describe(middle(session))}`,
  )
  detail(`after: ${machineLoad()}`)
  const linkRatio = at(sink) / at(ours)
  const sessionRatio = at(session) / at(ours)
  const figure: Figure = {
    name: '6 shaped link',
    value: `${fixed(linkRatio)}x link, ${fixed(sessionRatio)}x seq.`,
    target: '>= 0.9x link, >= 1.3x seq.',
    pass: linkRatio >= 0.9 && sessionRatio >= 1.3,
    measured:
      `CLI ${fixed(mbPerSecond(SIZE, at(ours)), 1)} MB/s, link ` +
      `${fixed(mbPerSecond(SIZE, at(sink)), 1)}, seq. ${fixed(mbPerSecond(SIZE, at(session)), 1)}`,
  }
  verdict(figure)
  return figure
}

/** Runs a curl contender and reads its span off the emulator's clock. */
async function timed(
  dropbox: ConnectedDropbox,
  match: (a: Arrival) => boolean,
  run: () => Promise<number>,
): Promise<Timed & Traffic> {
  const from = performance.now()
  const endToEnd = await run()
  const seen = dropbox.clock.between(from, performance.now()).filter(match)
  return { atEmulator: span(seen), endToEnd, ...traffic(seen) }
}

async function ourUpload(
  dropbox: ConnectedDropbox,
  link: ShapedLink,
  file: string,
  round: number,
  teardown: Teardown,
): Promise<OurRun> {
  // A new name per round (a hard link, no copy): nothing can recognise an earlier round's upload.
  const path = join(dropbox.home, `shaped-${round}.tar.xz`)
  linkSync(file, path)
  teardown.add(() => rmSync(path, { force: true }))
  const report = exitReportFile(dropbox.home, `shaped-${round}`)
  // The app's Dropbox endpoints, through the link; sign-in is done (connectedDropbox).
  const env = {
    ...dropbox.env,
    ...report.env,
    FTB_DROPBOX_API_URL: link.url,
    FTB_DROPBOX_CONTENT_URL: link.url,
  }
  const args = ['upload', path, '--json']
  const cpuBefore = process.cpuUsage()
  const running = startCli(args, env, teardown, EXIT_REPORT_PRELOAD, link.exec)
  const exit = await finished(running, RUN_TIMEOUT_MS, 'upload over the shaped link')
  const emulatorCpu = process.cpuUsage(cpuBefore)
  const [job] = JSON.parse(exit.stdout) as Array<{ status: string; remote_path?: string }>
  if (job?.status !== 'done') throw new Error(`upload did not finish: ${exit.stdout}`)
  const uploads = dropbox.clock.between(running.startedAt, exit.endedAt).filter(isUploadRoute)
  const stored = [...dropbox.emulator.files().values()].find((f) => f.size === SIZE)
  if (!stored) throw new Error(`the emulator holds no ${SIZE}-byte file after the upload`)
  return {
    atEmulator: span(uploads),
    endToEnd: exit.endedAt - running.startedAt,
    ...traffic(uploads),
    cliCpu: report.read().cpuMs,
    emulatorCpu: (emulatorCpu.user + emulatorCpu.system) / 1000,
  }
}

/** From the first request's arrival to the last answer, whichever request gave it. */
function span(arrivals: Arrival[]): number {
  const first = arrivals[0]
  if (!first || arrivals.some((a) => a.answeredAt === undefined)) {
    throw new Error('the emulator saw no complete upload')
  }
  return Math.max(...arrivals.map((a) => a.answeredAt!)) - first.arrivedAt
}
