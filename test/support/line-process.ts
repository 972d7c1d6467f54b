import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { waitFor } from './wait-for.ts'

export interface LineProcess {
  child: ChildProcessWithoutNullStreams
  /** Waits for the next line it prints after the ones already read. */
  next(): Promise<string>
  /** Kills it and waits until it has exited. */
  kill(signal: NodeJS.Signals): Promise<void>
}

/** A TypeScript helper script in its own Node process, talked to by lines on stdin and stdout. */
export function startLineProcess(script: string, args: string[]): LineProcess {
  const child = spawn(process.execPath, [script, ...args])
  const lines: string[] = []
  let read = 0
  let partial = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n')
    partial = parts.pop()!
    lines.push(...parts)
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  return {
    child,
    next: () =>
      waitFor(() => (lines.length > read ? lines[read++] : undefined), {
        what: `a line from ${script}`,
        detail: () => `printed: ${lines.join(' | ')}\nstderr: ${stderr}`,
      }),
    kill: async (signal) => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill(signal)
      await exited
    },
  }
}
