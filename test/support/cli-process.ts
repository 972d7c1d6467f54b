import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach } from 'vitest'

const BIN = resolve(import.meta.dirname, '../../bin/fermentrack-backup.js')

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Every CLI run the tests made, so a leak scan can read all that was ever printed. */
export const transcript: string[] = []

export interface RunningCli {
  child: ChildProcessWithoutNullStreams
  /** Resolves with stdout's first line (the authorization URL for `connect`). */
  firstLine: Promise<string>
  /** Resolves once stderr contains the text. */
  stderrIncludes(text: string): Promise<void>
  /** Everything printed so far, for a command that is still running (`watch`). */
  output(): { stdout: string; stderr: string }
  done: Promise<CliResult>
}

/**
 * Starts the real CLI the way a user does: its bin, on this Node, in its own process. `entry`
 * runs another build of it instead (a bundle in out/).
 */
export function startCli(args: string[], env: NodeJS.ProcessEnv, entry = BIN): RunningCli {
  const child = spawn(process.execPath, [entry, ...args], { env: { ...process.env, ...env } })
  let stdout = ''
  let stderr = ''
  const stderrWaiters: Array<{ text: string; resolve: () => void }> = []
  let lineResolve: (line: string) => void
  const firstLine = new Promise<string>((resolve) => (lineResolve = resolve))
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
    if (stdout.includes('\n')) lineResolve(stdout.slice(0, stdout.indexOf('\n')))
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
    for (const waiter of stderrWaiters) if (stderr.includes(waiter.text)) waiter.resolve()
  })
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code) => {
      transcript.push(stdout, stderr)
      lineResolve('')
      resolve({ code, stdout, stderr })
    }),
  )
  return {
    child,
    firstLine,
    done,
    stderrIncludes: (text) =>
      stderr.includes(text)
        ? Promise.resolve()
        : new Promise((resolve) => stderrWaiters.push({ text, resolve })),
    output: () => ({ stdout, stderr }),
  }
}

export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: string,
  entry = BIN,
): Promise<CliResult> {
  const running = startCli(args, env, entry)
  running.child.stdin.end(input ?? '')
  return running.done
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `ftb-${prefix}-`))
}

/** A tempDir maker whose folders are removed after each test of the file that calls this. */
export function tempDirsPerTest(): (prefix: string) => string {
  const made: string[] = []
  afterEach(() => {
    for (const path of made.splice(0)) rmSync(path, { recursive: true, force: true })
  })
  return (prefix) => {
    const path = tempDir(prefix)
    made.push(path)
    return path
  }
}
