import { rmSync, utimesSync, writeFileSync } from 'node:fs'
import {
  watchFolder,
  type ReadyFile,
  type WatchOptions,
  type WatchStatus,
} from '../../../src/main/watch/folder-watcher.ts'
import { tempDir } from '../../support/cli-process.ts'

const made: string[] = []

/** A fresh temp folder, removed again by removeTempDirs(). */
export function tmp(prefix: string): string {
  const dir = tempDir(prefix)
  made.push(dir)
  return dir
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
}

export interface Recorded {
  ready: Array<ReadyFile & { at: number }>
  statuses: WatchStatus[]
  scans: number[]
  close(): Promise<void>
}

/** Runs the real watcher and keeps every event it delivers, stamped with Date.now(). */
export function recordWatch(options: WatchOptions): Recorded {
  const recorded: Omit<Recorded, 'close'> = { ready: [], statuses: [], scans: [] }
  const watch = watchFolder(options, {
    onReady: (file) => recorded.ready.push({ ...file, at: Date.now() }),
    onStatus: (status) => recorded.statuses.push(status),
    onScanComplete: (count) => recorded.scans.push(count),
  })
  return { ...recorded, close: () => watch.close() }
}

/** Waits for a condition by polling it; under load things get slower, never wrong. */
export async function until(condition: () => boolean, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`)
    await sleep(20)
  }
}

/** Lets time pass before checking that something did NOT happen. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** A file whose mtime is an hour old: a backup that finished long ago. */
export function writeOld(path: string, data: string | Buffer = 'backup'): void {
  writeFileSync(path, data)
  const past = new Date(Date.now() - 3_600_000)
  utimesSync(path, past, past)
}

export function names(recorded: Recorded): string[] {
  return recorded.ready.map((file) => file.name).sort()
}

export function lastStatus(recorded: Recorded): WatchStatus | undefined {
  return recorded.statuses.at(-1)
}
