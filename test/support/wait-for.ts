import { setTimeout as sleep } from 'node:timers/promises'
import type { RunningCli } from './cli-process.ts'

export interface WaitOptions {
  /** Give up after this long; default 30 s. */
  timeoutMs?: number
  intervalMs?: number
  /** Said in the timeout error, with whatever `detail` returns then. */
  what: string
  detail?: () => string
}

/**
 * Polls until `probe` returns something other than undefined/false, and returns it. Conditions
 * are waited for, never slept towards: a slow machine only makes a test slower, not flaky.
 */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  options: WaitOptions,
): Promise<T> {
  const { timeoutMs = 30_000, intervalMs = 25 } = options
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) {
      const detail = options.detail ? `\n${options.detail()}` : ''
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${options.what}${detail}`)
    }
    await sleep(intervalMs)
  }
}

/** Waits until a running CLI has printed `text` on stdout; fails early if the process ended. */
export async function waitForOutput(cli: RunningCli, text: string, timeoutMs = 30_000) {
  await waitWhileRunning(cli, () => cli.output().stdout.includes(text), {
    timeoutMs,
    what: `"${text}" on stdout`,
  })
}

/** waitFor, for a condition a running CLI brings about: fails at once, with its output, if it ended. */
export async function waitWhileRunning<T>(
  cli: RunningCli,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  options: WaitOptions,
): Promise<T> {
  return waitFor(
    async () => {
      const value = await probe()
      if (value !== undefined && value !== false) return value
      if (cli.child.exitCode !== null || cli.child.signalCode !== null) {
        throw new Error(`the CLI ended before ${options.what}:\n${transcriptOf(cli)}`)
      }
      return value
    },
    { detail: () => transcriptOf(cli), ...options },
  )
}

export function transcriptOf(cli: RunningCli): string {
  const { stdout, stderr } = cli.output()
  return `--- stdout\n${stdout}--- stderr\n${stderr}`
}
