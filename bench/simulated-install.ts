import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createLogger } from '../src/main/log/logger.ts'
import { httpFetch } from '../src/main/net/http-fetch.ts'
import type { Credentials, ProviderContext } from '../src/main/providers/provider.ts'
import { providerById } from '../src/main/providers/registry.ts'
import { JobStore } from '../src/main/uploads/job-store.ts'
import type { Job } from '../src/main/uploads/job-types.ts'
import { UploadQueue } from '../src/main/uploads/upload-queue.ts'
import { APP_KEY, linkAccount } from '../test/main/providers/dropbox/emulator-account.ts'

/** A backup an install queued: where it is, and where Dropbox must end up holding its bytes. */
export interface QueuedBackup {
  path: string
  remotePath: string
}

export interface SimulatedInstall {
  backups: QueuedBackup[]
  /** Starts its queue over the backups offered; the queue then runs on its own timers. */
  start(): void
  /** Its jobs as its store has them now. */
  jobs(): Job[]
  stop(): Promise<void>
}

const CONNECTION = 'dropbox-connection'
const CHUNK_SIZE = 8 * 1024 * 1024

/**
 * One install's engine, in this process: its own FTB_HOME with the durable job store, the real
 * upload queue (the app's default of 2 uploads at once) and the real Dropbox provider with its
 * own signed-in token. What the app adds around it (watcher, window, tray) sends no requests.
 */
export async function simulatedInstall(
  emulator: { url: string; authorizeUrl: string },
  home: string,
  name: string,
  sizes: number[],
): Promise<SimulatedInstall> {
  mkdirSync(join(home, 'backups'), { recursive: true, mode: 0o700 })
  const remoteFolder = `/Fermentrack Backups/${name}`
  const backups = sizes.map((size, i) => {
    const path = join(home, 'backups', `${name}-${i}.tar.xz`)
    writeFileSync(path, randomBytes(size))
    return { path, remotePath: `${remoteFolder}/${name}-${i}.tar.xz` }
  })
  const credentials: Credentials = {
    connectionId: CONNECTION,
    config: {},
    tokens: await linkAccount(emulator),
    secret: null,
    rejected: async () => {},
  }
  const context: ProviderContext = {
    settings: {} as ProviderContext['settings'],
    env: {
      DROPBOX_APP_KEY: APP_KEY,
      FTB_DROPBOX_AUTH_URL: emulator.authorizeUrl,
      FTB_DROPBOX_API_URL: emulator.url,
      FTB_DROPBOX_CONTENT_URL: emulator.url,
    },
    fetch,
    uploadFetch: httpFetch,
    chunkSize: CHUNK_SIZE,
    now: Date.now,
  }
  const uploader = providerById('dropbox')!.uploader(credentials, context)
  const store = new JobStore(home)
  const queue = new UploadQueue({
    store,
    uploaderFor: async () => uploader,
    unavailable: () => [],
    concurrency: () => 2,
    settleMs: 1000,
    log: createLogger(),
  })
  let ids: number[] = []
  return {
    backups,
    start() {
      const offers = backups.map(({ path }) => {
        const { size, mtimeMs } = statSync(path)
        const file = { path, name: path.slice(path.lastIndexOf('/') + 1), size, mtimeMs }
        return { ...file, connectionId: CONNECTION, remoteFolder, origin: 'watch' as const }
      })
      ids = store.offerAll(offers, Date.now()).map((job) => job!.id)
      queue.start()
    },
    jobs: () => ids.map((id) => store.get(id)!),
    async stop() {
      await queue.stop()
      store.close()
    },
  }
}

/** The backup's bytes equal what the emulator stored at its remote path (path_lower → file). */
export function storedExactly(files: Map<string, string>, backup: QueuedBackup): boolean {
  const stored = files.get(backup.remotePath.toLowerCase())
  return !!stored && readFileSync(stored).equals(readFileSync(backup.path))
}
