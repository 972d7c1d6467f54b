/**
 * The bridge in a process of its own, as the engine of the desktop app lives in Electron's main
 * process: a test can kill -9 it mid-upload, then start another on the same home. Prints the
 * page's address as its first line; SIGTERM closes it as quitting the app would.
 *
 * node test/e2e/bridge/bridge-process.ts <rendererDir>   (FTB_HOME and the rest from the env)
 */
import { startBridge } from './bridge-server.ts'

const rendererDir = process.argv[2]
if (!rendererDir) throw new Error('usage: bridge-process.ts <rendererDir>')
const bridge = await startBridge(rendererDir, process.env)
process.once('SIGTERM', () => void bridge.close().then(() => process.exit(0)))
process.stdout.write(`${bridge.url}\n`)
