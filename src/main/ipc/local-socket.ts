import { createHash } from 'node:crypto'
import { chmodSync, mkdirSync, rmSync } from 'node:fs'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { join } from 'node:path'

/**
 * Owner-only local sockets under FTB_HOME: a unix socket (mode 0600, in a 0700 folder), or a named
 * pipe per home on Windows. A socket is only ever a doorbell: who may listen on it is decided by a
 * lease (store/lease.ts), because "nobody answers, so I take over" is a race between processes.
 */
export function socketPath(home: string, name: string, platform = process.platform): string {
  if (platform !== 'win32') return join(home, `${name}.sock`)
  const id = createHash('sha256').update(home).digest('hex').slice(0, 16)
  return `\\\\.\\pipe\\fermentrack-backup-${name}-${id}`
}

/**
 * Listens on the path, replacing whatever file a killed process left there. Only the holder of
 * the lease for this socket may call it: nobody else can be listening. Rejects if it can't listen
 * (a path too long for a unix socket, a read-only folder).
 */
export async function listenAsHolder(
  path: string,
  onConnection: (socket: Socket) => void,
): Promise<Server> {
  if (process.platform !== 'win32') {
    mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 })
    rmSync(path, { force: true })
  }
  const server = createServer(onConnection)
  await listen(server, path)
  // A failed accept (out of file descriptors) drops that one ring; it must not end the process.
  server.on('error', () => {})
  if (process.platform !== 'win32') chmodSync(path, 0o600)
  return server
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()))
}

/**
 * Sends one line and resolves with everything the other side answered before closing. With
 * `idleMs`, a listener that stays silent that long (hung, or stopped) is given up on.
 */
export function request(path: string, line: string, idleMs?: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path)
    let text = ''
    if (idleMs) socket.setTimeout(idleMs, () => socket.destroy(new Error('no answer in time')))
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
