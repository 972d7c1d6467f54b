import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'

let ticksPerSecond: number | undefined

function clockTicks(): number {
  ticksPerSecond ??=
    Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  return ticksPerSecond
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8')
  } catch {
    return undefined // the process is gone (or a zombie without its memory map)
  }
}

/** VmHWM is the kernel's own peak of resident memory, so a sample never misses a spike before it. */
export function memoryKb(pid: number | 'self'): { hwm: number; rss: number } | undefined {
  const status = readProc(pid === 'self' ? process.pid : pid, 'status')
  const hwm = status && /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1]
  const rss = status && /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]
  return hwm && rss ? { hwm: Number(hwm), rss: Number(rss) } : undefined
}

/** User + system CPU time of all the process's threads, in ms (clock-tick resolution). */
export function cpuMs(pid: number): number | undefined {
  const stat = readProc(pid, 'stat')
  if (!stat) return undefined
  // Fields after the command name, which is in parentheses and may hold spaces: state is
  // field 3, utime 14 and stime 15 (proc(5)).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks()
}

export interface Sample {
  at: number
  cpuMs: number
  hwmKb: number
  rssKb: number
}

/** Samples a child's CPU time and memory at a fixed interval until stopped or gone. */
export class ProcessSampler {
  readonly samples: Sample[] = []
  private readonly timer: NodeJS.Timeout

  constructor(pid: number, intervalMs: number) {
    clockTicks()
    const take = () => {
      const cpu = cpuMs(pid)
      const memory = memoryKb(pid)
      if (cpu === undefined || !memory) return
      this.samples.push({ at: performance.now(), cpuMs: cpu, hwmKb: memory.hwm, rssKb: memory.rss })
    }
    take()
    this.timer = setInterval(take, intervalMs)
  }

  stop(): void {
    clearInterval(this.timer)
  }

  peakHwmKb(): number {
    return Math.max(0, ...this.samples.map((s) => s.hwmKb))
  }
}
