import { finished, startCli } from '../child-process.ts'
import { connectedDropbox } from '../connected-dropbox.ts'
import { EXIT_REPORT_PRELOAD, exitReportFile } from '../exit-report.ts'
import { isUploadRoute, type Arrival } from '../request-clock.ts'
import { ProcessSampler, type Sample } from '../proc-stats.ts'
import { detail, heading, verdict, type Figure } from '../report.ts'
import { fixed, mbPerSecond, MIB } from '../stats.ts'
import type { Teardown } from '../teardown.ts'

const LIMIT_BYTES = 200e6

/**
 * Peak resident memory of the CLI `upload` process over a whole 2 GiB upload: VmHWM sampled from
 * /proc every 100 ms, and read by the process itself at exit (bench/exit-report.ts).
 */
export async function uploadMemory(
  root: string,
  file: string,
  size: number,
  teardown: Teardown,
): Promise<Figure> {
  heading(`2. Peak RSS of the CLI upload process, ${size / 2 ** 30} GiB file`)
  const dropbox = await connectedDropbox(root, 'memory', teardown)
  const report = exitReportFile(root, 'memory')
  const env = { ...dropbox.env, ...report.env }
  const running = startCli(['upload', file, '--json'], env, teardown, EXIT_REPORT_PRELOAD)
  const sampler = new ProcessSampler(running.pid, 100)
  let exitHwmKb: number
  try {
    const exit = await finished(running, 300_000, 'upload')
    const [job] = JSON.parse(exit.stdout) as Array<{ status: string }>
    if (job?.status !== 'done') throw new Error(`upload did not finish: ${exit.stdout}`)
    exitHwmKb = report.read().hwmKb
    const ms = exit.endedAt - running.startedAt
    detail(`upload took ${fixed(ms / 1000)} s (${fixed(mbPerSecond(size, ms), 0)} MB/s)`)
  } finally {
    sampler.stop()
  }
  detail(rssTimeline(sampler.samples, dropbox.clock.arrivals.filter(isUploadRoute)))
  const sampledKb = sampler.peakHwmKb()
  const maxRssKb = Math.max(0, ...sampler.samples.map((s) => s.rssKb))
  detail(
    `VmHWM sampled ${sampler.samples.length}x: ${fixed(sampledKb / 1024, 1)} MiB; ` +
      `at exit: ${exitHwmKb ? `${fixed(exitHwmKb / 1024, 1)} MiB` : 'not reported'}; ` +
      `highest VmRSS seen: ${fixed(maxRssKb / 1024, 1)} MiB`,
  )
  const baseline = await idlePeakKb(root, dropbox.env, teardown)
  detail(
    `the same CLI without an upload (\`status\`): VmHWM ${fixed(baseline / 1024, 1)} MiB ` +
      '(Node, its type stripping of the source, the modules, SQLite)',
  )
  const peak = Math.max(sampledKb, exitHwmKb) * 1024
  const figure: Figure = {
    name: '2 peak RSS, 2 GiB upload',
    value: `${fixed(peak / 1e6, 1)} MB`,
    target: '<= 200 MB',
    pass: peak <= LIMIT_BYTES,
    measured: `VmHWM ${fixed(peak / MIB, 1)} MiB (${fixed(peak / 1e6, 1)} MB)`,
  }
  verdict(figure)
  return figure
}

/** Resident memory before the first upload request and along the transfer: plateau or growth. */
function rssTimeline(samples: Sample[], uploads: Arrival[]): string {
  const start = uploads[0]?.arrivedAt
  const end = uploads.at(-1)?.answeredAt
  if (start === undefined || end === undefined) return 'no upload requests seen'
  const at = (time: number) => {
    const sample = samples.findLast((s) => s.at <= time) ?? samples[0]
    return `${fixed((sample?.rssKb ?? 0) / 1024, 0)}`
  }
  const marks = [0.25, 0.5, 0.75, 1].map((f) => at(start + f * (end - start)))
  return `VmRSS (MiB) at the first upload request ${at(start)}; at 25/50/75/100% of the transfer ${marks.join(' / ')}`
}

async function idlePeakKb(root: string, env: Record<string, string>, teardown: Teardown) {
  const report = exitReportFile(root, 'baseline')
  const running = startCli(['status'], { ...env, ...report.env }, teardown, EXIT_REPORT_PRELOAD)
  await finished(running, 60_000, 'status')
  return report.read().hwmKb
}
