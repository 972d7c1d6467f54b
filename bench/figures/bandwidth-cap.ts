import { join } from 'node:path'
import { finished, startCli } from '../child-process.ts'
import { connectedDropbox, type ConnectedDropbox } from '../connected-dropbox.ts'
import { detail, heading, verdict, type Figure } from '../report.ts'
import { isUploadRoute } from '../request-clock.ts'
import { fixed, MIB } from '../stats.ts'
import type { Teardown } from '../teardown.ts'
import { writeRandomFile } from '../workspace.ts'

const RUN_TIMEOUT_MS = 300_000
const UNCAPPED_BYTES = 256 * MIB
/** The capped upload is sized to last about this long at the cap: long enough to average over. */
const CAPPED_SECONDS = 12

/**
 * Figure 7: the CLI uploads to the emulator uncapped, then with FTB_BANDWIDTH_LIMIT at 1/4 of that
 * measured rate; the achieved rate must be within ±10 % of the cap. Both rates are timed at the
 * emulator, from the first upload request's arrival to the last one's answer.
 */
export async function bandwidthCap(root: string, teardown: Teardown): Promise<Figure> {
  heading('7. Bandwidth cap: achieved rate at FTB_BANDWIDTH_LIMIT = 1/4 of the uncapped rate')
  const dropbox = await connectedDropbox(root, 'cap', teardown)
  const free = join(root, 'cap-uncapped.tar.xz')
  await writeRandomFile(free, UNCAPPED_BYTES)
  const uncapped = await rate(dropbox, free, UNCAPPED_BYTES, {}, teardown)
  const cap = Math.floor(uncapped / 4)
  const cappedBytes = Math.ceil((cap * CAPPED_SECONDS) / MIB) * MIB
  const held = join(root, 'cap-capped.tar.xz')
  await writeRandomFile(held, cappedBytes)
  const env = { FTB_BANDWIDTH_LIMIT: String(cap) }
  const achieved = await rate(dropbox, held, cappedBytes, env, teardown)
  const ratio = achieved / cap
  detail(`uncapped ${fixed(uncapped / 1e6)} MB/s (${UNCAPPED_BYTES / MIB} MiB)`)
  detail(
    `cap ${fixed(cap / 1e6)} MB/s, achieved ${fixed(achieved / 1e6)} MB/s (${cappedBytes / MIB} MiB)`,
  )
  const figure: Figure = {
    name: '7 bandwidth cap',
    value: `${fixed(ratio)} × cap`,
    target: '0.90–1.10 × cap',
    pass: ratio >= 0.9 && ratio <= 1.1,
    measured: `cap ${fixed(cap / 1e6)} MB/s, achieved ${fixed(achieved / 1e6)} MB/s, uncapped ${fixed(uncapped / 1e6)} MB/s`,
  }
  verdict(figure)
  return figure
}

/** Bytes per second of one `upload` run, as the emulator saw the upload requests. */
async function rate(
  dropbox: ConnectedDropbox,
  file: string,
  bytes: number,
  env: Record<string, string>,
  teardown: Teardown,
): Promise<number> {
  const running = startCli(['upload', file, '--json'], { ...dropbox.env, ...env }, teardown)
  const exit = await finished(running, RUN_TIMEOUT_MS, 'upload')
  const uploads = dropbox.clock.between(running.startedAt, exit.endedAt).filter(isUploadRoute)
  const first = uploads[0]
  const last = uploads.at(-1)
  if (!first || !last?.answeredAt) throw new Error('the emulator saw no upload from the CLI')
  return bytes / ((last.answeredAt - first.arrivedAt) / 1000)
}
