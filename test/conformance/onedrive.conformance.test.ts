import { oneDriveProvider } from '../../src/main/providers/onedrive/onedrive-provider.ts'
import { MIB } from '../support/backup-files.ts'
import { startCountingProxy } from '../support/counting-proxy.ts'
import { connectOneDrive, oneDriveEnv, startOneDriveEmulator } from '../support/onedrive-fixture.ts'
import { writeSettings } from '../support/upload-fixture.ts'
import type { DriveType } from '../emulators/graph/index.ts'
import type { ConformanceTarget } from './harness.ts'
import { describeConformance } from './suite.ts'

/** chunkSize 4 MiB gives fragments of 12 × 320 KiB (3.75 MiB). */
const CHUNK = 4 * MIB
const FRAGMENT = 12 * 320 * 1024

/**
 * OneDrive, against the strict Graph emulator (test/emulators/graph), connected through the
 * CLI's OAuth sign-in. Graph, the uploadUrl and the download URLs are all reached through a
 * counting proxy (the emulator hands out URLs on the origin a client used), so what the server
 * received is counted in request bytes. Once as a personal drive (SHA-256 reported) and once as
 * a business drive (QuickXorHash only).
 */
function oneDriveTarget(driveType: DriveType): ConformanceTarget {
  return {
    name: `onedrive, ${driveType} drive (strict Graph emulator)`,
    provider: oneDriveProvider,
    async start() {
      const { emulator, loopbackPort } = await startOneDriveEmulator({ driveType })
      const proxy = await startCountingProxy(emulator.url)
      return {
        async connectHome() {
          const env = oneDriveEnv(emulator, loopbackPort, { FTB_GRAPH_API_URL: proxy.url })
          const connectionId = await connectOneDrive(env)
          // Fixed chunks, so the kill lands at a known point of the session.
          writeSettings(env.FTB_HOME!, { chunkSize: CHUNK, adaptiveChunkSize: false })
          return { env, home: env.FTB_HOME!, connectionId }
        },
        async stored(remotePath) {
          return emulator.stored(remotePath)?.bytes
        },
        bytesReceived: () => proxy.bytesSent(),
        downloadRanges: () =>
          emulator.requests.filter((r) => r.path.startsWith('/_download/')).map((r) => r.range),
        holdAt: (total) => proxy.holdAt(total),
        async fillAccount() {
          // What is stored now fits; the next upload's bytes do not.
          emulator.setQuotaBytes(emulator.usedBytes() + 1024)
        },
        async revokeCredentials() {
          // As removing the app's permissions from the Microsoft account: every token stops.
          emulator.identity.revokeAll()
        },
        accessTokens: {
          expire: () => emulator.identity.expireAccessTokens(),
          // Refresh tokens rotate: each one is used once, the first being the one connect stored.
          refreshedWith: () => [...emulator.identity.refreshed],
        },
        resumesAfterRestart: true,
        // Five fragments through an upload session (the last one short).
        largeFileBytes: 4 * FRAGMENT + 12_345,
        async close() {
          await proxy.close()
          await emulator.close()
        },
      }
    },
  }
}

describeConformance(oneDriveTarget('personal'))
describeConformance(oneDriveTarget('business'))
