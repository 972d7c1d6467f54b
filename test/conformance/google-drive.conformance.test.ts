import { googleDriveProvider } from '../../src/main/providers/google-drive/google-drive-provider.ts'
import { MIB } from '../support/backup-files.ts'
import { startCountingProxy } from '../support/counting-proxy.ts'
import {
  configureGoogle,
  connectGoogle,
  googleEnv,
  startGoogle,
} from '../support/gdrive-fixture.ts'
import { writeSettings } from '../support/upload-fixture.ts'
import type { ConformanceTarget } from './harness.ts'
import { describeConformance } from './suite.ts'

const CHUNK = 4 * MIB

/**
 * Google Drive, against the strict emulator (test/emulators/gdrive), configured and connected
 * through the CLI as the README says. Drive's API is reached through a counting proxy, so what
 * the server received is counted in bytes (metadata calls included: a few hundred bytes each).
 */
const googleDriveTarget: ConformanceTarget = {
  name: 'google-drive (strict emulator)',
  provider: googleDriveProvider,
  async start() {
    const emulator = await startGoogle()
    const api = await startCountingProxy(emulator.url)
    return {
      async connectHome() {
        const env = googleEnv(emulator, { FTB_GOOGLE_API_URL: api.url })
        await configureGoogle(env)
        const connectionId = await connectGoogle(env)
        // Fixed chunks, so the kill lands at a known point of the session.
        writeSettings(env.FTB_HOME!, { chunkSize: CHUNK, adaptiveChunkSize: false })
        return { env, home: env.FTB_HOME!, connectionId }
      },
      async stored(remotePath) {
        return emulator.fileAt(remotePath)?.content ?? undefined
      },
      bytesReceived: () => api.bytesSent(),
      downloadRanges: () =>
        emulator.requests
          .filter(
            (r) => /^\/drive\/v3\/files\/[^/]+$/.test(r.path) && r.query.includes('alt=media'),
          )
          .map((r) => r.range),
      holdAt: (total) => api.holdAt(total),
      async fillAccount() {
        // What is stored now fits; the next upload's bytes do not.
        emulator.store.quotaBytes = emulator.store.usedBytes() + 1024
      },
      async revokeCredentials() {
        // As "Remove access" in the user's Google Account: every token stops working.
        emulator.oauth.revokeAll()
      },
      accessTokens: {
        expire: () => emulator.oauth.expireAccessTokens(),
        refreshedWith: () => [...emulator.oauth.refreshedWith],
      },
      resumesAfterRestart: true,
      // Five chunks of 4 MiB (the last one short).
      largeFileBytes: 4 * CHUNK + 12_345,
      async close() {
        await api.close()
        await emulator.close()
      },
    }
  },
}

describeConformance(googleDriveTarget)
