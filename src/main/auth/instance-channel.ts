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
/** Room for the JSON around the URL, and for escapes in it. */
const ENVELOPE_BYTES = 1024
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

/** A connection that sends nothing for this long is answered with an error and closed. */
export const IDLE_MS = 5000

/**
 * Listens for the URL a second instance hands over. Only one sign-in per FTB_HOME waits at a
 * time: the holder of the "sign-in" lease, taken atomically before the socket is touched.
 */
export async function listenInstanceChannel(
  home: string,
  onOpenUrl: (url: string) => Promise<void>,
  options: { idleMs?: number } = {},
): Promise<{ close(): Promise<void> }> {
  const lease = new LeaseClaimer(home, 'sign-in').tryClaim()
  if (!lease) throw new AppError('sign_in_already_waiting')
  let server: Server
  try {
    server = await listenAsHolder(channelPath(home), (socket) =>
      serve(socket, onOpenUrl, options.idleMs ?? IDLE_MS),
    )
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
  if (Buffer.byteLength(url) > MAX_MESSAGE_BYTES) throw tooLong()
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

/**
 * One request per connection: a line of JSON, at most MAX_MESSAGE_BYTES (plus its envelope).
 * Past the limit, or after `idleMs` without a byte, the client gets an error and nothing more
 * is read from it; a client that then won't close is cut off after another `idleMs`.
 */
function serve(socket: Socket, onOpenUrl: (url: string) => Promise<void>, idleMs: number): void {
  const chunks: Buffer[] = []
  let size = 0
  let answered = false
  const answer = (reply: Reply) => {
    answered = true
    socket.off('data', read)
    socket.pause()
    socket.setTimeout(idleMs)
    socket.end(JSON.stringify(reply) + '\n')
  }
  const read = (chunk: Buffer) => {
    const newline = chunk.indexOf(0x0a)
    const kept = newline === -1 ? chunk : chunk.subarray(0, newline)
    chunks.push(kept)
    size += kept.length
    if (size > MAX_MESSAGE_BYTES + ENVELOPE_BYTES) return answer(fail(tooLong()))
    if (newline === -1) return
    socket.off('data', read)
    socket.pause()
    // The sign-in may take a while to finish (a token exchange): no idle limit meanwhile.
    socket.setTimeout(0)
    const parsed = Request.safeParse(safeJson(Buffer.concat(chunks).toString('utf8')))
    if (!parsed.success) return answer(fail(new AppError('malformed_callback')))
    onOpenUrl(parsed.data.url).then(
      () => answer({ ok: true }),
      (error: unknown) => answer(fail(error)),
    )
  }
  socket.on('error', () => socket.destroy())
  socket.setTimeout(idleMs)
  socket.on('timeout', () => {
    if (answered) return socket.destroy()
    answer(
      fail(
        new AppError('malformed_callback', `No sign-in address arrived within ${idleMs / 1000} s.`),
      ),
    )
  })
  socket.on('data', read)
}

function tooLong(): AppError {
  return new AppError(
    'malformed_callback',
    `The sign-in address is longer than ${MAX_MESSAGE_BYTES / 1024} KiB; a callback address is far shorter.`,
  )
}

function fail(error: unknown): Reply {
  const appError = isAppError(error) ? error : new AppError('provider_error')
  return { ok: false, error: appError.toPayload() }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
