import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { JobView } from '../../src/shared/ipc-contract.ts'
import { writeBackup } from '../support/backup-files.ts'
import { startCli, tempDir, type RunningCli } from '../support/cli-process.ts'
import { CLOUD_PROVIDERS, cloudHomesFor } from '../support/cloud-homes.ts'
import { stopCli, writeSettings } from '../support/upload-fixture.ts'
import { waitWhileRunning } from '../support/wait-for.ts'
import { dragOver, dropOnOverlay, historyStatus } from './app-harness.ts'
import { launchChromium, openApp } from './bridge/browser.ts'
import { buildRenderer } from './support.ts'

// Two engine starts, a paced upload of 14 MiB and a browser, on a busy two-core machine.
vi.setConfig({ testTimeout: 300_000 })

const MIB = 1024 * 1024
/** Fixed chunks (adaptiveChunkSize off), as the crash tests use: 4 MiB is the setting's least. */
const CHUNK = 4 * MIB
/** Four requests: three whole chunks and a last, shorter one. */
const SIZE = 3 * CHUNK + 2 * MIB
/** Slow enough that the kill lands between the second chunk's arrival and the file's. */
const PACE = '1M'
const BRIDGE = resolve(import.meta.dirname, 'bridge/bridge-process.ts')
const NAME = 'dbBackup-Fermentrack_2026-11-22T08.00.00.tar.xz'

let browser: Browser
let rendererDir: string
beforeAll(async () => {
  rendererDir = buildRenderer()
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})
/** Engines a failed test left running: none may outlive it. */
const engines: RunningCli[] = []
afterEach(() => {
  for (const engine of engines.splice(0))
    if (engine.child.exitCode === null && engine.child.signalCode === null)
      engine.child.kill('SIGKILL')
})

/** The app's engine and window: the bridge in its own process, a page of the app against it. */
async function startWindow(env: NodeJS.ProcessEnv, dropDir: string) {
  const engine = startCli([rendererDir], env, BRIDGE)
  engines.push(engine)
  const url = await engine.firstLine
  if (!url.startsWith('http'))
    throw new Error(`the bridge did not start:\n${engine.output().stderr}`)
  const page = await openApp(browser, url, { dropDir })
  page.setDefaultTimeout(30_000)
  await page.getByRole('tablist', { name: 'Sections' }).waitFor()
  return { engine, page }
}

/** Every job, as the window reads them from main. */
function jobsIn(page: Page): Promise<JobView[]> {
  return page.evaluate(async () => {
    const api = (globalThis as unknown as Record<string, Record<string, (i: object) => unknown>>)
      .companion!
    const result = (await api['uploads.history']!({})) as {
      ok: boolean
      value: { jobs: JobView[] }
    }
    return result.value.jobs
  })
}

async function closeWindow(window: { engine: RunningCli; page: Page }) {
  await window.page.context().close()
  if (window.engine.child.exitCode === null && window.engine.child.signalCode === null)
    expect((await stopCli(window.engine)).code).toBe(0)
}

describe.each(CLOUD_PROVIDERS)('$name: the window’s engine killed -9 mid-upload', (kind) => {
  const cloudHome = cloudHomesFor(kind)

  it('started again, it resumes the upload: one file, verified, well under 1.5× the file sent', async () => {
    const cloud = await cloudHome({ FTB_BANDWIDTH_LIMIT: PACE })
    writeSettings(cloud.env.FTB_HOME!, {
      chunkSize: CHUNK,
      adaptiveChunkSize: false,
      settleSeconds: 0.3,
    })
    const dropDir = tempDir('drops')
    const original = await writeBackup(dropDir, NAME, SIZE, 9)

    const first = await startWindow(cloud.env, dropDir)
    await dropOnOverlay(first.page, await dragOver(first.page, [NAME]))
    const killedAt = await waitWhileRunning(
      first.engine,
      () => cloud.uploadBytes() >= 2 * CHUNK && cloud.uploadBytes(),
      { what: 'two chunks at the emulator', timeoutMs: 120_000 },
    )
    first.engine.child.kill('SIGKILL')
    expect((await first.engine.done).code).toBe(null)
    await closeWindow(first)
    // Killed part-way: more than half the file was there, and not yet all of it.
    expect(cloud.bytes(NAME)).toBeUndefined()
    expect(killedAt).toBeGreaterThan(SIZE / 2)
    expect(killedAt).toBeLessThan(SIZE)

    const second = await startWindow(cloud.env, dropDir)
    await waitWhileRunning(
      second.engine,
      async () => (await historyStatus(second.page, NAME)) === 'Uploaded',
      {
        what: `${NAME} uploaded after the restart`,
        timeoutMs: 120_000,
      },
    )
    const [job] = (await jobsIn(second.page)).filter((j) => j.name === NAME)
    expect(job).toMatchObject({
      state: 'done',
      contentHash: expect.any(String),
      checksumAlgorithm: expect.stringMatching(/^(sha256|quickxor)/i),
      verifiedBy: expect.any(String),
    })
    await closeWindow(second)

    expect(cloud.bytes(NAME)?.equals(readFileSync(original))).toBe(true)
    expect(cloud.names()).toEqual([NAME])
    // Starting over would have sent what arrived before the kill and then the whole file again.
    expect(cloud.uploadBytes()).toBeLessThan(1.5 * SIZE)
    expect(cloud.uploadBytes()).toBeGreaterThanOrEqual(SIZE)
  })
})
