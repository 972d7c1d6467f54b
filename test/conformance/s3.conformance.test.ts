import { s3Provider } from '../../src/main/providers/s3/s3-provider.ts'
import { S3Emulator } from '../emulators/s3/server.ts'
import { MIB } from '../support/backup-files.ts'
import { connectS3, s3Env } from '../support/s3-home.ts'
import type { ConformanceTarget } from './harness.ts'
import { describeConformance } from './suite.ts'

/**
 * S3: s3rver behind our strict front (SigV4, and the multipart API s3rver lacks), connected
 * through the real CLI as a user connects it. The front counts body bytes and can hold requests
 * at a byte count, so the kill -9 lands between parts.
 */
const s3Target: ConformanceTarget = {
  name: 's3 (s3rver behind the strict front)',
  provider: s3Provider,
  unsupported: {
    accessTokenExpiry:
      'S3 signs every request with the access key (SigV4): there is no access token to expire',
    fullAccount:
      'the S3 API has no account quota (MinIO bucket quotas and B2 caps are vendor extensions) and s3rver has none; QuotaExceeded → insufficient_space is covered in s3-uploader.test.ts',
  },
  async start() {
    const emulator = await S3Emulator.start()
    return {
      async connectHome() {
        const env = s3Env()
        const { result, connectionId } = await connectS3(emulator, env)
        if (result.code !== 0) throw new Error(`connect s3 failed: ${result.stderr}`)
        return { env, home: env.FTB_HOME!, connectionId }
      },
      // The connection has no prefix: a remote path is its key, less the leading "/".
      stored: (remotePath) => emulator.stored(remotePath.replace(/^\//, '')),
      bytesReceived: () => emulator.bytesReceived(),
      // GetObject: a GET of a key that is not ListParts (which has an uploadId).
      downloadRanges: () =>
        emulator.requests
          .filter((r) => r.method === 'GET' && r.key !== '' && !r.query.has('uploadId'))
          .map((r) => r.range),
      holdAt: (total) => emulator.holdAt(total),
      revokeCredentials: async () => emulator.revokeKey(),
      resumesAfterRestart: true,
      // Five parts at the default 8 MiB chunk size; a kill at 60% leaves two to send.
      largeFileBytes: 4 * 8 * MIB + 3 * MIB,
      close: () => emulator.close(),
    }
  },
}

describeConformance(s3Target)
