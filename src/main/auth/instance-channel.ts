import { createHash } from 'node:crypto'
import { chmodSync, mkdirSync, unlinkSync } from 'node:fs'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import { z } from 'zod'
import { AppError, isAppError } from '../../shared/app-error.ts'
import { ERROR_CODES, type ErrorCode } from '../../shared/error-codes.ts'

/**
 * A local channel under FTB_HOME through which a second instance (the desktop app launched by a
 * deep link, or `fermentrack-backup open-url`) hands a URL to the instance that is waiting.
 * Owner-only: a unix socket in a 0700 directory with mode 0600, or a named pipe per home on Windows.
 */
const MAX_MESSAGE_BYTES = 64 * 1024
const Request = z.object({ type: z.literal('open-url'), url: z.string().max(MAX_MESSAGE_BYTES) })
const Reply = z.union([
  z.object({ ok: z.literal(true) }),
  z.object({
    ok: z.literal(false),
    error: z.object({
      code: z.string().refine((code): code is ErrorCode => code in ERROR_CODES),
      message: z.string(),
    }),
  }),
])
type Reply = z.infer<typeof Reply>

export function channelPath(home: string, platform = process.platform): string {
  if (platform !== 'win32') return join(home, 'companion.sock')
  return `\\\\.\\pipe\\fermentrack-backup-${createHash('sha256').update(home).digest('hex').slice(0, 16)}`
}

export async function listenInstanceChannel(
  home: string,
  onOpenUrl: (url: string) => Promise<void>,
): Promise<{ close(): Promise<void> }> {
  mkdirSync(home, { recursive: true, mode: 0o700 })
  const path = channelPath(home)
  const server = createServer((socket) => serve(socket, onOpenUrl))
  await listenReplacingStale(server, path)
  if (process.platform !== 'win32') chmodSync(path, 0o600)
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
      }),
  }
}

/** Delivers a URL to the waiting instance; resolves if it was accepted, else throws its reason. */
export async function sendOpenUrl(home: string, url: string): Promise<void> {
  const reply = await new Promise<Reply>((resolve, reject) => {
    const socket = createConnection(channelPath(home))
    let text = ''
    socket.setEncoding('utf8')
    socket.on('connect', () => socket.write(JSON.stringify({ type: 'open-url', url }) + '\n'))
    socket.on('data', (chunk: string) => (text += chunk))
    socket.on('end', () => {
      const parsed = Reply.safeParse(safeJson(text))
      if (parsed.success) resolve(parsed.data)
      else reject(new AppError('no_sign_in_waiting', 'The waiting instance gave no answer.'))
    })
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (['ENOENT', 'ECONNREFUSED'].includes(error.code ?? ''))
        reject(new AppError('no_sign_in_waiting'))
      else reject(error)
    })
  })
  if (!reply.ok) throw AppError.fromPayload(reply.error)
}

function serve(socket: Socket, onOpenUrl: (url: string) => Promise<void>): void {
  let text = ''
  socket.setEncoding('utf8')
  socket.on('error', () => socket.destroy())
  socket.on('data', (chunk: string) => {
    text += chunk
    if (text.length > MAX_MESSAGE_BYTES + 100)
      return finish(socket, fail(new AppError('malformed_callback')))
    const newline = text.indexOf('\n')
    if (newline === -1) return
    socket.removeAllListeners('data')
    const request = Request.safeParse(safeJson(text.slice(0, newline)))
    if (!request.success) return finish(socket, fail(new AppError('malformed_callback')))
    onOpenUrl(request.data.url).then(
      () => finish(socket, { ok: true }),
      (error: unknown) => finish(socket, fail(error)),
    )
  })
}

function fail(error: unknown): Reply {
  const appError = isAppError(error) ? error : new AppError('provider_error')
  return { ok: false, error: appError.toPayload() }
}

function finish(socket: Socket, reply: Reply): void {
  socket.end(JSON.stringify(reply) + '\n')
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

async function listenReplacingStale(server: Server, path: string): Promise<void> {
  try {
    await listen(server, path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
    if (await isAlive(path)) throw new AppError('sign_in_already_waiting')
    unlinkSync(path) // left behind by a process that was killed
    await listen(server, path)
  }
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
