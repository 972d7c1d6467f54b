import type { Server, Socket } from 'node:net'
import { z } from 'zod'
import { AppError, isAppError } from '../../shared/app-error.ts'
import { ERROR_CODES, type ErrorCode } from '../../shared/error-codes.ts'
import {
  closeServer,
  isNobodyThere,
  listenAsHolder,
  request,
  socketPath,
} from '../ipc/local-socket.ts'
import { LeaseClaimer } from '../store/lease.ts'

/**
 * The channel through which a second instance (the desktop app launched by a deep link, or
 * `fermentrack-backup open-url`) hands a URL to the instance waiting for a sign-in.
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

export const channelPath = (home: string) => socketPath(home, 'companion')

/**
 * Listens for the URL a second instance hands over. Only one sign-in per FTB_HOME waits at a
 * time: the holder of the "sign-in" lease, taken atomically before the socket is touched.
 */
export async function listenInstanceChannel(
  home: string,
  onOpenUrl: (url: string) => Promise<void>,
): Promise<{ close(): Promise<void> }> {
  const lease = new LeaseClaimer(home, 'sign-in').tryClaim()
  if (!lease) throw new AppError('sign_in_already_waiting')
  let server: Server
  try {
    server = await listenAsHolder(channelPath(home), (socket) => serve(socket, onOpenUrl))
  } catch (error) {
    lease.release()
    throw error
  }
  return {
    close: async () => {
      // Socket first: closing it removes its file, which must not be the next holder's.
      await closeServer(server)
      lease.release()
    },
  }
}

/** Delivers a URL to the waiting instance; resolves if it was accepted, else throws its reason. */
export async function sendOpenUrl(home: string, url: string): Promise<void> {
  let text: string
  try {
    text = await request(channelPath(home), JSON.stringify({ type: 'open-url', url }))
  } catch (error) {
    if (isNobodyThere(error)) throw new AppError('no_sign_in_waiting')
    throw error
  }
  const reply = Reply.safeParse(safeJson(text))
  if (!reply.success)
    throw new AppError('no_sign_in_waiting', 'The waiting instance gave no answer.')
  if (!reply.data.ok) throw AppError.fromPayload(reply.data.error)
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
    const parsed = Request.safeParse(safeJson(text.slice(0, newline)))
    if (!parsed.success) return finish(socket, fail(new AppError('malformed_callback')))
    onOpenUrl(parsed.data.url).then(
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
