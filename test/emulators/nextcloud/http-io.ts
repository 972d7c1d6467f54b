import type { IncomingMessage } from 'node:http'

export interface Reply {
  status: number
  headers?: Record<string, string>
  body?: string | Buffer
}

/** Reads the whole request body, counting bytes as they arrive (a killed client's too). */
export async function readBody(
  req: IncomingMessage,
  onBytes: (n: number) => void,
): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const chunk of req) {
    const buffer = chunk as Buffer
    onBytes(buffer.length)
    parts.push(buffer)
  }
  return Buffer.concat(parts)
}

const SABRE_NS = 'xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns"'

/** Sabre/DAV's error body, which Nextcloud sends with every WebDAV error. */
export function davError(status: number, exception: string, message: string): Reply {
  const body =
    `<?xml version="1.0" encoding="utf-8"?>\n<d:error ${SABRE_NS}>` +
    `<s:exception>Sabre\\DAV\\Exception\\${exception}</s:exception>` +
    `<s:message>${escapeXml(message)}</s:message></d:error>`
  return { status, headers: { 'content-type': 'application/xml; charset=utf-8' }, body }
}

export function jsonReply(status: number, value: unknown): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(value),
  }
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** A header's single value (Node joins repeats for most headers; arrays only for set-cookie). */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}
