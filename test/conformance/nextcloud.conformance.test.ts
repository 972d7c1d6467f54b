import { nextcloudProvider } from '../../src/main/providers/nextcloud/nextcloud-provider.ts'
import { startNextcloudEmulator } from '../emulators/nextcloud/index.ts'
import { MIB } from '../support/backup-files.ts'
import { tempDir } from '../support/cli-process.ts'
import { connectNextcloud } from '../support/nextcloud-fixture.ts'
import { writeSettings } from '../support/upload-fixture.ts'
import type { ConformanceTarget } from './harness.ts'
import { describeConformance } from './suite.ts'

/** The smallest chunk size the app's setting allows that chunking v2 accepts (≥ 5 MiB). */
const CHUNK = 8 * MIB

/**
 * Nextcloud, against the strict emulator (test/emulators/nextcloud), connected through the CLI's
 * Login Flow v2 with the test granting the login. The emulator counts PUT body bytes itself and
 * can hold them at a count, so the kill lands at a known point of the chunked upload.
 */
const nextcloudTarget: ConformanceTarget = {
  name: 'nextcloud (strict emulator)',
  provider: nextcloudProvider,
  unsupported: {
    accessTokenExpiry:
      'Nextcloud signs in with an app password (Login Flow v2) sent with every request: there is no access token to expire',
  },
  async start() {
    const nc = await startNextcloudEmulator()
    return {
      async connectHome() {
        const env = { FTB_HOME: tempDir('home'), FTB_SECRET_STORE: 'file' }
        const { connected } = await connectNextcloud(nc, env)
        writeSettings(env.FTB_HOME, { chunkSize: CHUNK })
        return { env, home: env.FTB_HOME, connectionId: connected.connection_id }
      },
      stored: async (remotePath) => nc.stored(remotePath),
      bytesReceived: () => nc.bytesReceived(),
      downloadRanges: () =>
        nc.requests
          .filter((r) => r.method === 'GET' && r.path.startsWith('/remote.php/dav/files/'))
          .map((r) => r.headers.range as string | undefined),
      holdAt: (total) => nc.holdAt(total),
      async fillAccount() {
        // What is stored now fits; the next upload's bytes do not.
        nc.setQuota(nc.usedBytes() + 1024)
      },
      async revokeCredentials() {
        // As "Revoke" on the app password in the user's security settings.
        nc.revokeAppPasswords()
      },
      resumesAfterRestart: true,
      // Over the 10 MiB threshold, so chunked: four 8 MiB chunks and a short fifth.
      largeFileBytes: 4 * CHUNK + 12_345,
      close: () => nc.close(),
    }
  },
}

describeConformance(nextcloudTarget)
