/** Cleanup steps run last-in-first-out, also on Ctrl-C, so a run never leaves children or GiBs. */
type Step = () => void | Promise<void>

export class Teardown {
  private readonly steps: Step[] = []

  add(step: Step): void {
    this.steps.push(step)
  }

  async run(): Promise<void> {
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      try {
        await step()
      } catch (error) {
        process.stderr.write(`cleanup step failed: ${String(error)}\n`)
      }
    }
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms / 1000} s`)), ms)
  })
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer))
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
