import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { withTimeout, type Teardown } from './teardown.ts'

const BIN = resolve(import.meta.dirname, '../bin/fermentrack-backup.js')

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
  /** performance.now() when the process exited (before its pipes closed). */
  endedAt: number
  stdout: string
  stderr: string
}

export interface Running {
  pid: number
  /** performance.now() just before spawn. */
  startedAt: number
  stdout(): string
  stderr(): string
  /** Resolves with the first stdout line matching, and when it was read. */
  line(match: (line: string) => boolean, timeoutMs: number): Promise<{ text: string; at: number }>
  exit: Promise<Exit>
  /** SIGTERM, then SIGKILL if it lingers; resolves once it is gone. */
  stop(): Promise<Exit>
}

/** Starts a process whose end is guaranteed: the teardown kills it if the bench gives up. */
export function startProcess(
  command: string,
  args: string[],
  teardown: Teardown,
  env: NodeJS.ProcessEnv = {},
): Running {
  const startedAt = performance.now()
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  let endedAt = 0
  const watchers: Array<{ match: (line: string) => boolean; found: (text: string) => void }> = []
  const seen: Array<{ text: string; at: number }> = []
  let partial = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
    const parts = (partial + chunk).split('\n')
    partial = parts.pop() ?? ''
    for (const text of parts) {
      seen.push({ text, at: performance.now() })
      for (const watcher of watchers) if (watcher.match(text)) watcher.found(text)
    }
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  child.on('exit', () => (endedAt = performance.now()))
  const exit = new Promise<Exit>((resolveExit, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) =>
      resolveExit({ code, signal, endedAt: endedAt || performance.now(), stdout, stderr }),
    )
  })
  const gone = () => child.exitCode !== null || child.signalCode !== null
  const stop = async () => {
    if (!gone()) child.kill('SIGTERM')
    const killer = setTimeout(() => gone() || child.kill('SIGKILL'), 10_000)
    try {
      return await exit
    } finally {
      clearTimeout(killer)
    }
  }
  teardown.add(async () => {
    if (!gone()) await stop()
  })
  return {
    pid: child.pid ?? -1,
    startedAt,
    stdout: () => stdout,
    stderr: () => stderr,
    exit,
    stop,
    line(match, timeoutMs) {
      const found = new Promise<{ text: string; at: number }>((resolveLine, reject) => {
        const earlier = seen.find((line) => match(line.text))
        if (earlier) return resolveLine(earlier)
        watchers.push({ match, found: (text) => resolveLine({ text, at: performance.now() }) })
        void exit.then(
          (end) => reject(new Error(`exited before printing the line: ${tail(end.stderr)}`)),
          reject,
        )
      })
      return withTimeout(found, timeoutMs, `waiting for ${command} output`)
    },
  }
}

/**
 * The real CLI as a user runs it: its bin, on this Node (24), in a process of its own; `via` is
 * a command prefix it runs under, such as `ip netns exec <ns>`.
 */
export function startCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  teardown: Teardown,
  nodeArgs: string[] = [],
  via: string[] = [],
): Running {
  const [command, ...rest] = [...via, process.execPath, ...nodeArgs, BIN, ...args]
  return startProcess(command!, rest, teardown, env)
}

/** Waits for a process to end by itself; a non-zero exit is an error with its stderr. */
export async function finished(running: Running, timeoutMs: number, what: string): Promise<Exit> {
  const exit = await withTimeout(running.exit, timeoutMs, what).catch(async (error: unknown) => {
    await running.stop()
    throw error
  })
  if (exit.code !== 0) {
    throw new Error(
      `${what} exited with ${exit.code ?? exit.signal}: ${tail(exit.stderr || exit.stdout)}`,
    )
  }
  return exit
}

const tail = (text: string) => text.trim().slice(-600)
