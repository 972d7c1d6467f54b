import { resolve } from 'node:path'
import type { RateLimit, RequestRecord } from '../test/emulators/dropbox/index.ts'
import { forkChild } from './ipc-child.ts'
import type { Teardown } from './teardown.ts'

export type EmulatorCommand =
  | { op: 'rateLimit'; limit: RateLimit | undefined }
  | { op: 'outage'; ms: number }
  | { op: 'report' }
  | { op: 'close' }

/** What the emulator saw and holds: each request, and where each stored file's bytes are. */
export interface EmulatorReport {
  requests: Array<Pick<RequestRecord, 'path' | 'status' | 'receivedAt' | 'batchEntries'>>
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

/** Starts bench/emulator-process.ts; the teardown closes it. */
export async function startRemoteEmulator(
  storageDir: string,
  teardown: Teardown,
): Promise<RemoteEmulator> {
  const child = forkChild<EmulatorCommand>(CHILD, [storageDir], teardown)
  teardown.add(() => child.ask({ op: 'close' }).then(() => {}))
  const started = (await child.ready) as { url: string; authorizeUrl: string }
  return {
    ...started,
    setRateLimit: (limit) => child.ask({ op: 'rateLimit', limit }),
    startOutage: (ms) => child.ask({ op: 'outage', ms }),
    async report() {
      const { requests, files } = await child.ask<{
        requests: EmulatorReport['requests']
        files: Array<[string, string]>
      }>({ op: 'report' })
      return { requests, files: new Map(files) }
    },
  }
}
