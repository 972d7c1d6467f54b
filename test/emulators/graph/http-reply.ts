import type { IncomingMessage } from 'node:http'

/** What a route answers; the server writes it. */
export interface Reply {
  status: number
  headers?: Record<string, string>
  body?: string | Buffer
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(value),
  }
}

/** Graph's error shape: `{"error":{"code":"…","message":"…"}}`. */
export function graphError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Reply {
  return json(
    status,
    { error: { code, message, innerError: { date: new Date().toISOString() } } },
    headers,
  )
}

/** The identity platform's OAuth error shape (RFC 6749 plus Microsoft's AADSTS description). */
export function oauthError(status: number, error: string, description: string): Reply {
  return json(status, { error, error_description: description, error_codes: [] })
}

const bodies = new WeakMap<IncomingMessage, Promise<Buffer>>()

/** The request's body; read once (the server starts reading at once), any route may ask again. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  let body = bodies.get(req)
  if (!body) {
    body = (async () => {
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      return Buffer.concat(chunks)
    })()
    bodies.set(req, body)
  }
  return body
}
