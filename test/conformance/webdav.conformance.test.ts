import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { webdavProvider } from '../../src/main/providers/webdav/webdav-provider.ts'
import { MIB } from '../support/backup-files.ts'
import { runCli, tempDir } from '../support/cli-process.ts'
import { startCountingProxy } from '../support/counting-proxy.ts'
import { parseJson } from '../support/upload-fixture.ts'
import { WEBDAV_SERVERS, type WebdavServerKind } from '../support/webdav-servers.ts'
import type { ConformanceTarget } from './harness.ts'
import { describeConformance } from './suite.ts'

/**
 * WebDAV against each real server the tests start (rclone serve webdav, Apache mod_dav), reached
 * through a counting proxy, and connected through the CLI as a user connects it.
 */
function webdavTarget(kind: WebdavServerKind): ConformanceTarget {
  return {
    name: `webdav (${kind.name})`,
    provider: webdavProvider,
    unsupported: {
      accessTokenExpiry:
        'WebDAV sends its user name and password with every request: there is no access token to expire',
      fullAccount:
        'neither rclone serve webdav nor Apache mod_dav_fs has a quota to fill; a 507 from a full server is mapped to insufficient_space',
      listedChecksum:
        'rclone serve webdav and Apache mod_dav list no checksum property in PROPFIND (the provider reads an ownCloud-style oc:checksums where a server lists one)',
    },
    async start() {
      const server = await kind.start()
      const proxy = await startCountingProxy(server.url)
      // The same folder URL, through the proxy's port.
      const url = new URL(new URL(server.url).pathname, proxy.url).href
      const homes: string[] = []
      return {
        async connectHome() {
          const home = tempDir('webdav-conformance-home')
          homes.push(home)
          const env = { FTB_HOME: home, FTB_SECRET_STORE: 'file' }
          const args = ['connect', 'webdav', '--url', url, '--username', server.username]
          const result = await runCli(
            [...args, '--password-stdin', '--json'],
            env,
            `${server.password}\n`,
          )
          const { connection_id: connectionId } = parseJson<{ connection_id: string }>(result)
          return { env, home, connectionId }
        },
        async stored(remotePath) {
          return readFile(join(server.root, remotePath)).catch(() => undefined)
        },
        bytesReceived: () => proxy.bytesSent(),
        downloadRanges: () =>
          proxy
            .requests()
            .filter((r) => r.method === 'GET')
            .map((r) => r.range),
        holdAt: (total) => proxy.holdAt(total),
        async revokeCredentials() {
          // As a user changing the password on the server: the stored one gets 401 from now on.
          await server.changePassword('a-changed-password')
        },
        // A plain PUT is all or nothing: a killed upload starts again from the first byte.
        resumesAfterRestart: false,
        // Over 2 MiB, so the read-back compares two separate MiB at the ends.
        largeFileBytes: 12 * MIB + 4321,
        async close() {
          await proxy.close()
          await server.close()
          for (const home of homes) await rm(home, { recursive: true, force: true })
        },
      }
    },
  }
}

for (const kind of WEBDAV_SERVERS) describeConformance(webdavTarget(kind))
