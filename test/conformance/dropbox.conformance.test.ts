import { readFile } from 'node:fs/promises'
import { dropboxProvider } from '../../src/main/providers/dropbox/dropbox-provider.ts'
import { MIB } from '../support/backup-files.ts'
import { startCountingProxy } from '../support/counting-proxy.ts'
import { cliEnv, startEmulator } from '../support/dropbox-fixture.ts'
import { connectDropbox, storedAt, writeSettings } from '../support/upload-fixture.ts'
import type { ConformanceTarget } from './harness.ts'
import { describeConformance } from './suite.ts'

const CHUNK = 4 * MIB

/**
 * Dropbox, against the strict emulator (test/emulators/dropbox), connected through the CLI's
 * OAuth sign-in. The content host is reached through a counting proxy, so what the server
 * received is counted in file bytes (plus request headers), apart from the JSON API calls.
 */
const dropboxTarget: ConformanceTarget = {
  name: 'dropbox (strict emulator)',
  provider: dropboxProvider,
  async start() {
    const { emulator, loopbackPort } = await startEmulator()
    const content = await startCountingProxy(emulator.url)
    return {
      async connectHome() {
        const env = cliEnv(emulator, loopbackPort, {
          FTB_SECRET_STORE: 'file',
          FTB_DROPBOX_CONTENT_URL: content.url,
        })
        const connectionId = await connectDropbox(env)
        // The smallest chunk Dropbox's hashing allows, so the large file takes several requests;
        // fixed, so the pieces lost at a kill (up to parallelChunks, 4) stay 4 MiB each.
        writeSettings(env.FTB_HOME!, { chunkSize: CHUNK, adaptiveChunkSize: false })
        return { env, home: env.FTB_HOME!, connectionId }
      },
      async stored(remotePath) {
        const file = storedAt(emulator, remotePath)
        return file && readFile(file.localPath)
      },
      bytesReceived: () => content.bytesSent(),
      downloadRanges: () =>
        emulator.requests.filter((r) => r.path === '/2/files/download').map((r) => r.range),
      holdAt: (total) => content.holdAt(total),
      async fillAccount() {
        // What is stored now fits; the next upload's bytes do not.
        emulator.setQuotaBytes(emulator.usedBytes() + 1024)
      },
      async revokeCredentials() {
        // As "Disconnect" on the app in the user's Dropbox settings: every token stops working.
        emulator.revokeAll()
      },
      accessTokens: {
        expire: () => emulator.expireAccessTokens(),
        refreshedWith: () => emulator.refreshedWith(),
      },
      resumesAfterRestart: true,
      // Seventeen 4 MiB requests (the last one short), four on the wire at once: the ones in
      // flight at a kill are lost, and must stay well under half the file for the resume check
      // to tell resuming from starting over.
      largeFileBytes: 16 * CHUNK + 12_345,
      async close() {
        await content.close()
        await emulator.close()
      },
    }
  },
}

describeConformance(dropboxTarget)
