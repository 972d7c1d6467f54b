import { createHash } from 'node:crypto'
import { chmodSync, mkdirSync, unlinkSync } from 'node:fs'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { join } from 'node:path'

/**
 * Owner-only local sockets under FTB_HOME: a unix socket (mode 0600, in a 0700 folder), or a named
 * pipe per home on Windows. Whoever listens on one is its single owner; a file left behind by a
 * killed process is recognised (nothing answers) and replaced.
 */
export function socketPath(home: string, name: string, platform = process.platform): string {
  if (platform !== 'win32') return join(home, `${name}.sock`)
  const id = createHash('sha256').update(home).digest('hex').slice(0, 16)
  return `\\\\.\\pipe\\fermentrack-backup-${name}-${id}`
}

/** Listens, or resolves undefined if a live owner already listens on that path. */
export async function listenExclusive(
  path: string,
  onConnection: (socket: Socket) => void,
): Promise<Server | undefined> {
  if (process.platform !== 'win32') mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 })
  const server = createServer(onConnection)
  try {
    await listen(server, path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
    if (await isAlive(path)) return undefined
    unlinkSync(path)
    await listen(server, path)
  }
  if (process.platform !== 'win32') chmodSync(path, 0o600)
  return server
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()))
}

/** Sends one line and resolves with everything the other side answered before closing. */
export function request(path: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path)
    let text = ''
    socket.setEncoding('utf8')
    socket.on('connect', () => socket.write(line + '\n'))
    socket.on('data', (chunk: string) => (text += chunk))
    socket.on('end', () => resolve(text))
    socket.on('error', reject)
  })
}

/** Nobody listening (no file, or a file left by a killed process). */
export function isNobodyThere(error: unknown): boolean {
  return ['ENOENT', 'ECONNREFUSED'].includes((error as NodeJS.ErrnoException).code ?? '')
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(path, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

function isAlive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createConnection(path)
    probe.on('connect', () => {
      probe.destroy()
      resolve(true)
    })
    probe.on('error', () => resolve(false))
  })
}
