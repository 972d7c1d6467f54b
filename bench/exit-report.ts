// Loaded into a CLI child with `node --import` (EXIT_REPORT_PRELOAD): at exit, the child writes
// its own peak memory and CPU time to FTB_BENCH_EXIT_REPORT. Sampling from outside cannot see
// the last moments before exit; this can. It only reads counters, so it adds nothing measurable.
// Imported by the bench itself, where that variable is unset, it only provides the reader.
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const EXIT_REPORT_PRELOAD = ['--import', import.meta.filename]

export interface ExitReport {
  hwmKb: number
  cpuMs: number
}

const target = process.env.FTB_BENCH_EXIT_REPORT
if (target) {
  process.on('exit', () => {
    const status = readFileSync('/proc/self/status', 'utf8')
    const usage = process.resourceUsage()
    const report: ExitReport = {
      hwmKb: Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0),
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    }
    writeFileSync(target, JSON.stringify(report))
  })
}

/** The environment that asks a child for its report, and the reader of that report. */
export function exitReportFile(dir: string, name: string) {
  const path = join(dir, `${name}.exit-report.json`)
  return {
    env: { FTB_BENCH_EXIT_REPORT: path },
    read(): ExitReport {
      const report = JSON.parse(readFileSync(path, 'utf8')) as ExitReport
      rmSync(path, { force: true })
      return report
    },
  }
}
