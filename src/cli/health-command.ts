import { AppError } from '../shared/app-error.ts'
import { DURATION_HINT, durationSeconds, formatAge } from '../shared/duration.ts'
import type { Engine } from '../main/engine.ts'
import {
  healthReport,
  type DestinationHealth,
  type HealthReport,
} from '../main/health/health-report.ts'
import { printJson } from './output.ts'
import { stdinLines } from './stdin-lines.ts'

export interface HealthOptions {
  maxAge?: string
  dir?: string
  json: boolean
  setPingUrlStdin?: boolean
  clearPingUrl?: boolean
}

/**
 * For cron and systemd timers: one line per destination and one for the watched folder, exit 1
 * when any is older than the allowed age or has nothing at all. `--set-ping-url-stdin` and
 * `--clear-ping-url` manage the optional ping URL instead.
 */
export async function healthCommand(engine: Engine, options: HealthOptions): Promise<void> {
  if (options.setPingUrlStdin || options.clearPingUrl) return pingUrlCommand(engine, options)
  const maxAge = options.maxAge ?? engine.settings.get().alertAfter
  const maxAgeSeconds = durationSeconds(maxAge)
  if (maxAgeSeconds === undefined)
    throw new AppError('usage', `--max-age must be ${DURATION_HINT}, not "${maxAge}".`)
  const settings = engine.settings.get()
  const report = await healthReport({
    jobs: engine.uploads.store,
    destinations: engine.uploads.destinations(),
    providerOf: (id) => engine.connections.providerOf(id),
    lastVerify: (id) => engine.verify.runs.last(id),
    sources: options.dir
      ? [{ id: null, label: options.dir, folder: options.dir }]
      : settings.sources.map(({ id, label, folder }) => ({ id, label, folder })),
    patterns: settings.patterns,
    recursive: settings.includeSubfolders,
    maxAgeSeconds,
    now: Date.now(),
  })
  await engine.close()
  if (options.json) printJson(report)
  else process.stdout.write(reportLines(report, maxAge).join('\n') + '\n')
  if (!report.ok) process.exitCode = 1
}

function reportLines(report: HealthReport, maxAge: string): string[] {
  const mark = (ok: boolean) => (ok ? 'OK  ' : 'FAIL')
  const lines = report.destinations.map((d) => {
    const what = `destination ${d.connection_id}${d.provider && d.provider !== d.connection_id ? ` (${d.provider})` : ''}`
    const when =
      d.age_seconds === null
        ? 'no verified upload yet'
        : `last verified upload ${formatAge(d.age_seconds)} ago (${d.last_verified_upload})`
    return `${mark(d.ok)} ${what}: ${when}${verifyText(d.last_verify)}`
  })
  if (report.destinations.length === 0)
    lines.push('FAIL destinations: none set up (connect one, or set localDestination)')
  for (const s of report.sources) {
    const where = s.id === null ? `watch folder ${s.path}` : `${s.label} (${s.path})`
    const age = s.age_seconds === null ? '' : formatAge(s.age_seconds)
    const newest =
      s.age_seconds === null
        ? (s.problem ?? 'no backup')
        : s.ok || s.id === null
          ? `newest backup ${age} ago (${s.newest_backup})`
          : `no new Fermentrack backup for ${age} (newest: ${s.newest_backup})`
    lines.push(`${mark(s.ok)} ${where}: ${newest}`)
  }
  if (report.sources.length === 0) lines.push(`FAIL watch folder: ${report.watch_folder.problem}`)
  lines.push(
    report.ok ? `OK: all within ${maxAge}.` : `FAIL: something is missing or older than ${maxAge}.`,
  )
  return lines
}

function verifyText(last: DestinationHealth['last_verify']): string {
  if (!last) return ''
  const how = last.ok ? (last.outcome === 'verified' ? 'verified' : 'size only') : 'FAILED'
  const why = last.ok ? '' : `: ${last.reason ?? last.outcome}`
  return `; last restore check ${last.at}: ${how}${why}`
}

async function pingUrlCommand(engine: Engine, options: HealthOptions): Promise<void> {
  if (options.clearPingUrl) {
    await engine.ping.clear()
    process.stdout.write('The health ping URL is cleared.\n')
    return
  }
  const stdin = stdinLines()
  const url = await stdin.next()
  stdin.close()
  if (!url?.trim()) throw new AppError('usage', 'Pipe the ping URL on stdin (one line).')
  await engine.ping.set(url)
  // The URL is a secret: confirmed, never echoed.
  process.stdout.write('The health ping URL is saved in the secret store.\n')
}
