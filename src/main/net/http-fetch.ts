import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { Readable } from 'node:stream'
import { capped } from './bandwidth-limit.ts'
import type { FetchFn } from './fetch-with-retry.ts'
import type { RoutedAgents } from './routed-agents.ts'

/** undici's default headersTimeout and bodyTimeout: a stalled server fails as it did with fetch. */
const IDLE_TIMEOUT_MS = 300_000

/**
 * The part of fetch that upload requests use (a string or bytes as the body, a small answer), over
 * node:http(s) `request()`. Why not fetch: it copies every byte-array body before sending it
 * (undici extractBody), an 8 MiB copy and 8 MiB of garbage per chunk, ~16% of the CLI's CPU in a
 * profile; request() writes the caller's buffer to the socket as it is.
 *
 * So the buffer can be reused, the promise settles only once the socket is done with the body:
 * after the whole body went out, or after the request was destroyed (an answer that came early,
 * an error, an abort). Rejections look like fetch's: the abort reason, or an error that
 * fetchWithRetry maps to `network`. With `agents` (routed-agents.ts), connections go the way the
 * proxy route says; without, Node's global agents connect directly.
 */
export function routedHttpFetch(agents?: RoutedAgents): FetchFn {
  return (input, init) => send(input, init, agents)
}

/** httpFetch with direct connections. */
export const httpFetch: FetchFn = routedHttpFetch()

async function send(
  input: Parameters<FetchFn>[0],
  init: RequestInit = {},
  agents: RoutedAgents | undefined,
): Promise<Response> {
  if (input instanceof Request) throw new TypeError('httpFetch takes a URL, not a Request')
  const url = new URL(input)
  const body = bodyBytes(init.body as RequestInit['body'] | Readable)
  const { signal } = init
  signal?.throwIfAborted()
  const headers: Record<string, string> = Object.fromEntries(new Headers(init.headers))
  if (body instanceof Readable) {
    // A stream is sent as it is read; its length must be known, as servers want it up front.
    if (!headers['content-length']) throw new TypeError('httpFetch streams need a content-length')
  } else headers['content-length'] = String(body.length)
  // Every upload body of every provider that sends through here shares the one cap.
  const sent = capped(body)
  const secure = url.protocol === 'https:'
  const agent = secure ? agents?.https : agents?.http
  const req = (secure ? httpsRequest : httpRequest)(url, {
    method: init.method ?? 'GET',
    headers,
    ...(agent ? { agent } : {}),
  })
  const closed = new Promise<void>((resolve) => req.once('close', resolve))
  const answer = new Promise<Response>((resolve, reject) => {
    req.on('error', reject)
    req.once('response', (res) => {
      readAnswer(res).then(resolve, reject)
      // Answered before the whole body went out: nobody reads the rest, free the buffer now.
      res.once('end', () => {
        if (!req.writableFinished) req.destroy()
      })
    })
  })
  const onAbort = () => req.destroy(signal?.reason)
  signal?.addEventListener('abort', onAbort, { once: true })
  req.setTimeout(IDLE_TIMEOUT_MS, () => req.destroy(new Error('The server stopped answering.')))
  try {
    if (sent instanceof Readable) {
      sent.once('error', (error) => req.destroy(error))
      sent.pipe(req)
    } else req.end(sent)
    return await answer
  } catch (error) {
    req.destroy()
    throw signal?.aborted ? signal.reason : error
  } finally {
    await closed
    signal?.removeEventListener('abort', onAbort)
  }
}

function bodyBytes(body: RequestInit['body'] | Readable): Uint8Array | Readable {
  if (body === undefined || body === null) return new Uint8Array(0)
  if (body instanceof Readable) return body
  if (typeof body === 'string') return Buffer.from(body)
  if (body instanceof Uint8Array) return body
  throw new TypeError('httpFetch sends a string or a Uint8Array body only')
}

async function readAnswer(res: IncomingMessage): Promise<Response> {
  const parts: Buffer[] = []
  for await (const part of res) parts.push(part as Buffer)
  const headers = new Headers()
  for (const [name, value] of Object.entries(res.headers)) {
    for (const one of Array.isArray(value) ? value : [value ?? '']) headers.append(name, one)
  }
  const status = res.statusCode ?? 0
  const empty = status === 204 || status === 205 || status === 304
  // Response refuses a status outside 200-599, as fetch does: that rejects like a network error.
  return new Response(empty ? null : Buffer.concat(parts), {
    status,
    statusText: res.statusMessage,
    headers,
  })
}
