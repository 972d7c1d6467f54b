import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { extname, join, normalize, resolve } from 'node:path'
import { WebSocketServer } from 'ws'
import {
  ExternalLinks,
  docsOrigins,
  enabledAuthorizationUrls,
} from '../../../src/main/app/external-links.ts'
import { CompanionService } from '../../../src/main/companion/companion-service.ts'
import { createEngine, type Engine } from '../../../src/main/engine.ts'
import type { CommandName } from '../../../src/shared/ipc-contract.ts'

/** The documentation address the desktop build bakes in (electron.vite.config.ts). */
const PROJECT_HOMEPAGE = (
  JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../package.json'), 'utf8')) as {
    homepage: string
  }
).homepage

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
}

export interface Bridge {
  url: string
  engine: Engine
  companion: CompanionService
  /** Addresses the app handed to the system browser (past the real allow-list). */
  opened: string[]
  /** What the window asked main to put on the clipboard. */
  copied: string[]
  /** What the next native folder picker returns. */
  nextFolder: { value: string | null }
  /** The restore's folder picker: the folder main "chooses" (set by the test, never the page). */
  restorePicker: { folder: string | null; openedAt: string[] }
  /** Files main asked the file manager to show. */
  shownInFolder: string[]
  close(): Promise<void>
}

/**
 * The desktop app without Electron: the built renderer served over http on 127.0.0.1, and the
 * contract served over a WebSocket by the REAL companion service and engine, exactly as the
 * Electron shell serves it over IPC.
 */
export async function startBridge(rendererDir: string, env: NodeJS.ProcessEnv): Promise<Bridge> {
  const engine = await createEngine({ env })
  const opened: string[] = []
  const copied: string[] = []
  const nextFolder = { value: null as string | null }
  const restorePicker = { folder: null as string | null, openedAt: [] as string[] }
  const shownInFolder: string[] = []
  const companion = new CompanionService({
    engine,
    env,
    defaultRedirect: 'loopback',
    // The shell's own allow-list, with a system browser that only records what it was given.
    links: new ExternalLinks({
      shell: { openExternal: async (url) => void opened.push(url) },
      docsOrigins: docsOrigins(PROJECT_HOMEPAGE),
      authorizationUrls: () => enabledAuthorizationUrls(engine.providers),
      log: engine.log,
    }),
    chooseFolder: async () => nextFolder.value,
    copyText: async (text) => void copied.push(text),
    restoreShell: {
      chooseRestoreFolder: async (defaultPath) => {
        restorePicker.openedAt.push(defaultPath)
        return restorePicker.folder
      },
      showItemInFolder: (path) => void shownInFolder.push(path),
    },
  })
  await companion.start()
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname))
    const file = join(rendererDir, path === '/' ? 'index.html' : path)
    if (!file.startsWith(rendererDir)) return void response.writeHead(404).end()
    readFile(file).then(
      (body) =>
        response
          .writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
          .end(body),
      () => response.writeHead(404).end(),
    )
  })
  const sockets = new WebSocketServer({ server, path: '/bridge' })
  sockets.on('connection', (socket) => {
    const forward = (event: string, payload: unknown) =>
      socket.send(JSON.stringify({ event, payload }))
    companion.on('event', forward)
    socket.on('close', () => companion.off('event', forward))
    socket.on('message', async (data) => {
      const { id, command, input } = JSON.parse(String(data)) as {
        id: number
        command: CommandName
        input: unknown
      }
      socket.send(JSON.stringify({ id, result: await companion.invoke(command, input) }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}/`,
    engine,
    companion,
    opened,
    copied,
    nextFolder,
    restorePicker,
    shownInFolder,
    close: async () => {
      sockets.close()
      await closeServer(server)
      await companion.stop()
    },
  }
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections()
  return new Promise((resolve) => server.close(() => resolve()))
}
