import { readFileSync } from 'node:fs'
import { cpus } from 'node:os'

/** Other work on the machine slows both sides of a comparison, but not always alike: say so. */
export function machineLoad(): string {
  const [one, five] = readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number)
  const busy = (one ?? 0) >= cpus().length * 0.75
  const note = busy ? ' (other processes are busy: absolute numbers will be low and noisy)' : ''
  return `load average ${one} (1 min), ${five} (5 min) on ${cpus().length} CPUs${note}`
}

/** One measured figure: what was compared, the judged value, and its target. */
export interface Figure {
  name: string
  /** The judged number as printed, e.g. "0.87" or "142.1 MB". */
  value: string
  target: string
  pass: boolean
  /** Raw numbers for the summary's "measured" column. */
  measured: string
}

export type Outcome = Figure | { name: string; error: string }

export function heading(title: string): void {
  process.stdout.write(`\n== ${title}\n`)
}

export function detail(text: string): void {
  process.stdout.write(`   ${text}\n`)
}

export function verdict(figure: Figure): void {
  const mark = figure.pass ? 'PASS' : 'MISS'
  process.stdout.write(`   => ${figure.value} (target ${figure.target}): ${mark}\n`)
}

export function summary(outcomes: Outcome[]): void {
  const rows = outcomes.map((o) =>
    'error' in o
      ? [o.name, '-', '-', 'ERROR', o.error.split('\n')[0]!.slice(0, 80)]
      : [o.name, o.value, o.target, o.pass ? 'PASS' : 'MISS', o.measured],
  )
  const head = ['figure', 'value', 'target', 'result', 'measured']
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join(' | ')
      .trimEnd()
  process.stdout.write(
    `\n== Summary\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}\n`,
  )
  for (const row of rows) process.stdout.write(line(row) + '\n')
}
