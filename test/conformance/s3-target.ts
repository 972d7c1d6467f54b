import { s3Provider } from '../../src/main/providers/s3/s3-provider.ts'
import { S3Emulator } from '../emulators/s3/server.ts'
import { connectS3, s3Env } from '../support/s3-home.ts'
import type { ConformanceTarget } from './harness.ts'

const MIB = 1024 * 1024

/**
 * S3 in the conformance suite: s3rver behind our strict front (SigV4, the multipart API s3rver
 * lacks), connected through the real CLI as a user connects it.
 */
export const s3Target: ConformanceTarget = {
  name: 's3 (s3rver + strict multipart front)',
  provider: s3Provider,
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
      // S3 has no account quota to fill (a full disk is the server's own affair): not offered.
      revokeCredentials: async () => emulator.revokeKey(),
      resumesAfterRestart: true,
      // Three parts at the default 8 MiB chunk size.
      largeFileBytes: 2 * 8 * MIB + 1234 * 1024,
      close: () => emulator.close(),
    }
  },
}
