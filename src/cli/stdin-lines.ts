import { createInterface } from 'node:readline'

/**
 * Reads stdin a line at a time, and only once a secret is asked for (`--password-stdin`,
 * `--client-secret-stdin`): a command that needs no input never waits on it.
 */
export function stdinLines(): { next: () => Promise<string | undefined>; close: () => void } {
  let lines: ReturnType<typeof createInterface> | undefined
  let iterator: AsyncIterator<string> | undefined
  return {
    next: async () => {
      lines ??= createInterface({ input: process.stdin, terminal: false })
      iterator ??= lines[Symbol.asyncIterator]()
      const { value, done } = await iterator.next()
      return done ? undefined : String(value).replace(/\r$/, '')
    },
    close: () => lines?.close(),
  }
}
