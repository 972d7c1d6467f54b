// The Dropbox emulator in a process of its own, steered over IPC: its event loop then stamps
// each request as it arrives, however busy the process of the clients is.
import { startDropboxEmulator } from '../test/emulators/dropbox/index.ts'
import { APP_KEY, REDIRECT_URI } from '../test/main/providers/dropbox/emulator-account.ts'
import { serveParent } from './ipc-child.ts'
import type { EmulatorCommand } from './remote-emulator.ts'

const emulator = await startDropboxEmulator({
  appKey: APP_KEY,
  redirectUris: [REDIRECT_URI],
  storageDir: process.argv[2],
})
serveParent<EmulatorCommand>({ url: emulator.url, authorizeUrl: emulator.authorizeUrl }, answer)

async function answer(command: EmulatorCommand): Promise<unknown> {
  switch (command.op) {
    case 'rateLimit':
      return emulator.setRateLimit(command.limit)
    case 'outage':
      return emulator.startOutage(command.ms)
    case 'report':
      return {
        requests: emulator.requests.map(({ path, status, receivedAt, batchEntries }) => ({
          path,
          status,
          receivedAt,
          batchEntries,
        })),
        files: [...emulator.files()].map(([key, file]) => [key, file.localPath]),
      }
    case 'close':
      await emulator.close()
      setImmediate(() => process.exit(0))
      return null
  }
}
