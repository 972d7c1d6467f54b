import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { backupStream } from '../../test/support/backup-files.ts'
import { startCli } from '../child-process.ts'
import { changeSettings, connectedDropbox } from '../connected-dropbox.ts'
import { detail, heading, verdict, type Figure } from '../report.ts'
import { fixed, median } from '../stats.ts'
import { sleep, type Teardown } from '../teardown.ts'

const SETTLE_SECONDS = 1
/** A backup written the way a compressor does it: a few writes with pauses in between. */
const WRITES = 4
const WRITE_BYTES = 256 * 1024
const WRITE_PAUSE_MS = 100

/**
 * With `watch` running (settleSeconds 1), the time from a backup's last write to the emulator
 * receiving the upload of it, less the settle window. Arrival times come from RequestClock.
 */
export async function watchLatency(
  root: string,
  repeats: number,
  teardown: Teardown,
): Promise<Figure> {
  heading(`4. Latency: last write -> upload request, watch with settleSeconds ${SETTLE_SECONDS}`)
  const dropbox = await connectedDropbox(root, 'latency', teardown)
  changeSettings(dropbox.home, { settleSeconds: SETTLE_SECONDS })
  const dir = join(root, 'latency-watched')
  mkdirSync(dir)
  const watch = startCli(['watch', '--dir', dir], dropbox.env, teardown)
  await watch.line((l) => l.startsWith('Watching '), 30_000)
  await sleep(500) // the start-up scan of the empty folder
  const toFirst: number[] = []
  const toUpload: number[] = []
  for (let i = 1; i <= repeats; i++) {
    const name = `latency-${i}.tar.xz`
    const fd = openSync(join(dir, name), 'w')
    // A complete archive for the app's check once the last write is in, not before.
    const backup = backupStream(WRITES * WRITE_BYTES, i)
    for (let w = 1; w <= WRITES; w++) {
      writeSync(fd, backup.next(WRITE_BYTES))
      if (w < WRITES) await sleep(WRITE_PAUSE_MS)
    }
    const lastWrite = performance.now()
    closeSync(fd)
    const first = await dropbox.clock.next(lastWrite, () => true, 30_000)
    const upload = await dropbox.clock.next(lastWrite, (a) => a.path === '/2/files/upload', 30_000)
    await watch.line((l) => l.startsWith(`Uploaded ${name} `), 30_000)
    const settle = SETTLE_SECONDS * 1000
    toFirst.push(first.arrivedAt - lastWrite - settle)
    toUpload.push(upload.arrivedAt - lastWrite - settle)
    detail(
      `${name}: first request (${first.path}) at settle + ${fixed(toFirst.at(-1)! / 1000, 3)} s, ` +
        `/2/files/upload at settle + ${fixed(toUpload.at(-1)! / 1000, 3)} s`,
    )
    await sleep(300)
  }
  await watch.stop()
  const typical = median(toUpload) / 1000
  const worst = Math.max(...toUpload) / 1000
  detail(
    `last write -> first request of the upload job (get_metadata), less settle: median ` +
      `${fixed(median(toFirst) / 1000, 3)} s, max ${fixed(Math.max(...toFirst) / 1000, 3)} s`,
  )
  detail(
    `last write -> /2/files/upload arrives, less settle: median ${fixed(typical, 3)} s, ` +
      `max ${fixed(worst, 3)} s (judged on the max)`,
  )
  const figure: Figure = {
    name: '4 latency - settle',
    value: `max ${fixed(worst, 3)} s`,
    target: '<= 0.5 s',
    pass: worst <= 0.5,
    measured: `median ${fixed(typical, 3)} s, max ${fixed(worst, 3)} s over ${repeats} files`,
  }
  verdict(figure)
  return figure
}
