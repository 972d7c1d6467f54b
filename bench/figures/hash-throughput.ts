import { performance } from 'node:perf_hooks'
import { hashFile } from '../../src/main/providers/dropbox/content-hash.ts'
import { finished, startProcess } from '../child-process.ts'
import { detail, heading, verdict, type Figure } from '../report.ts'
import { fixed, mbPerSecond, median, seconds } from '../stats.ts'
import type { Teardown } from '../teardown.ts'
import { warmPageCache } from '../workspace.ts'

export interface HashResult {
  figure: Figure
  /** Our content_hash of the file, for the upload figure to check against. */
  contentHash: string
}

/**
 * Our hashFile (in this process, as the app runs it) against sha256sum, on the same warm file,
 * alternating which goes first. The content_hash is SHA-256 over 4 MiB blocks plus a short
 * second pass over the block digests, so the work is the same as sha256sum's.
 */
export async function hashThroughput(
  file: string,
  size: number,
  rounds: number,
  teardown: Teardown,
): Promise<HashResult> {
  heading(`3. content_hash throughput: hashFile vs sha256sum, ${size / 2 ** 30} GiB, warm cache`)
  await warmPageCache(file)
  const ours: number[] = []
  const theirs: number[] = []
  let contentHash = ''
  const runOurs = async () => {
    const started = performance.now()
    contentHash = await hashFile(file)
    ours.push(performance.now() - started)
  }
  const runTheirs = async () => {
    const running = startProcess('sha256sum', [file], teardown)
    const exit = await finished(running, 120_000, 'sha256sum')
    if (!/^[0-9a-f]{64} /.test(exit.stdout)) throw new Error(`sha256sum said: ${exit.stdout}`)
    theirs.push(exit.endedAt - running.startedAt)
  }
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? [runOurs, runTheirs] : [runTheirs, runOurs]
    for (const run of order) await run()
    detail(
      `round ${round + 1}: sha256sum ${seconds(theirs.at(-1)!)}, hashFile ${seconds(ours.at(-1)!)}`,
    )
  }
  const oursMbs = mbPerSecond(size, median(ours))
  const theirsMbs = mbPerSecond(size, median(theirs))
  detail(`hashFile (in-process, content_hash): median ${fixed(oursMbs, 0)} MB/s`)
  detail(`sha256sum (coreutils, own process): median ${fixed(theirsMbs, 0)} MB/s`)
  const ratio = oursMbs / theirsMbs
  const figure: Figure = {
    name: '3 content_hash throughput',
    value: `${fixed(ratio)}x`,
    target: '>= 0.8x',
    pass: ratio >= 0.8,
    measured: `hashFile ${fixed(oursMbs, 0)} MB/s vs sha256sum ${fixed(theirsMbs, 0)} MB/s`,
  }
  verdict(figure)
  return { figure, contentHash }
}
