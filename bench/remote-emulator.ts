import { fork } from 'node:child_process'
import { resolve } from 'node:path'
import type { RateLimit, RequestRecord } from '../test/emulators/dropbox/index.ts'
import { withTimeout, type Teardown } from './teardown.ts'

type Command =
  | { op: 'rateLimit'; limit: RateLimit | undefined }
  | { op: 'outage'; ms: number }
  | { op: 'report' }
  | { op: 'close' }

export type EmulatorCommand = { id: number } & Command

/** What the emulator saw and holds: each request, and where each stored file's bytes are. */
export interface EmulatorReport {
  requests: Array<Pick<RequestRecord, 'path' | 'status' | 'receivedAt'>>
  /** path_lower → the file holding its bytes. */
  files: Map<string, string>
}

export interface RemoteEmulator {
  url: string
  authorizeUrl: string
  setRateLimit(limit: RateLimit | undefined): Promise<void>
  startOutage(ms: number): Promise<void>
  report(): Promise<EmulatorReport>
}

const CHILD = resolve(import.meta.dirname, 'emulator-process.ts')
const ANSWER_MS = 60_000

/** Starts bench/emulator-process.ts; the teardown closes it (and kills it if it must). */
export async function startRemoteEmulator(
  storageDir: string,
  teardown: Teardown,
): Promise<RemoteEmulator> {
  const child = fork(CHILD, [storageDir], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const waiting = new Map<number, (result: unknown) => void>()
  child.on('message', (message: { id: number; result: unknown }) => {
    waiting.get(message.id)?.(message.result)
    waiting.delete(message.id)
  })
  let next = 1
  const ask = <T>(command: Command | null): Promise<T> => {
    const id = command ? next++ : 0
    const answered = new Promise<T>((done) => waiting.set(id, done as (r: unknown) => void))
    if (command) child.send({ ...command, id })
    return withTimeout(answered, ANSWER_MS, `the emulator process (${command?.op ?? 'start'})`)
  }
  teardown.add(async () => {
    if (child.exitCode !== null) return
    await ask({ op: 'close' }).catch(() => child.kill('SIGKILL'))
  })
  const started = await ask<{ url: string; authorizeUrl: string }>(null)
  return {
    ...started,
    setRateLimit: (limit) => ask({ op: 'rateLimit', limit }),
    startOutage: (ms) => ask({ op: 'outage', ms }),
    async report() {
      const { requests, files } = await ask<{
        requests: EmulatorReport['requests']
        files: Array<[string, string]>
      }>({ op: 'report' })
      return { requests, files: new Map(files) }
    },
  }
}
