import { badInput, type Reply } from './reply.ts'
import { readSmallBody } from './request-body.ts'
import type { RouteContext } from './route-context.ts'

export const BODY_WHERE = 'request body'
export const HEADER_WHERE = 'HTTP header "Dropbox-API-Arg"'
const JSON_TYPES = ['application/json', 'application/json; charset=utf-8']
const RPC_BODY_LIMIT = 1024 * 1024

/** The arguments of a request, or the 400 that rejects them. */
export type ArgResult = { ok: true; value: unknown } | { ok: false; reply: Reply }

function normalized(contentType: string): string {
  return contentType
    .split(';')
    .map((part) => part.trim().toLowerCase())
    .join('; ')
}

function badContentType(ctx: RouteContext, given: string | undefined, expected: string[]): Reply {
  const list = expected.map((type) => `"${type}"`).join(', ')
  return badInput(
    ctx.route,
    `Bad HTTP "Content-Type" header: "${given ?? ''}". Expecting one of ${list}.`,
  )
}

function parseJson(ctx: RouteContext, text: string, where: string): ArgResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch {
    return { ok: false, reply: badInput(ctx.route, `${where}: could not decode input as JSON`) }
  }
}

/**
 * Void-argument RPC routes: no body and no Content-Type (what the JS SDK sends), or the JSON
 * document `null` with a JSON Content-Type. Anything else is a 400.
 */
export async function readVoidArg(ctx: RouteContext): Promise<Reply | undefined> {
  const body = await readSmallBody(ctx, RPC_BODY_LIMIT)
  const contentType = ctx.req.headers['content-type']
  if (contentType === undefined) {
    if (body !== undefined && body.length === 0) return undefined
    return badContentType(ctx, contentType, JSON_TYPES)
  }
  if (!JSON_TYPES.includes(normalized(contentType)))
    return badContentType(ctx, contentType, JSON_TYPES)
  if (body === undefined) return badInput(ctx.route, `${BODY_WHERE}: too large`)
  const parsed = parseJson(ctx, body.toString('utf8'), BODY_WHERE)
  if (!parsed.ok) return parsed.reply
  if (parsed.value !== null) return badInput(ctx.route, `${BODY_WHERE}: expected null, got value`)
  return undefined
}

/** RPC routes with arguments: a JSON body with a JSON Content-Type. */
export async function readJsonArg(ctx: RouteContext): Promise<ArgResult> {
  const body = await readSmallBody(ctx, RPC_BODY_LIMIT)
  const contentType = ctx.req.headers['content-type']
  if (contentType === undefined || !JSON_TYPES.includes(normalized(contentType))) {
    return { ok: false, reply: badContentType(ctx, contentType, JSON_TYPES) }
  }
  if (body === undefined)
    return { ok: false, reply: badInput(ctx.route, `${BODY_WHERE}: too large`) }
  return parseJson(ctx, body.toString('utf8'), BODY_WHERE)
}

/** Content-upload routes take raw bytes as application/octet-stream (HTTP docs). */
export function checkOctetStream(ctx: RouteContext): Reply | undefined {
  const contentType = ctx.req.headers['content-type']
  if (contentType !== undefined && normalized(contentType) === 'application/octet-stream')
    return undefined
  return badContentType(ctx, contentType, ['application/octet-stream'])
}

/**
 * Content-download routes carry no body, so no Content-Type is needed; one that is sent must be
 * plain text or octet-stream (what Dropbox answers a form-encoded request, e.g. curl's `-d ''`).
 */
const DOWNLOAD_TYPES = [
  'text/plain',
  'text/plain; charset=utf-8',
  'application/octet-stream',
  'application/octet-stream; charset=utf-8',
]

export function checkDownloadContentType(ctx: RouteContext): Reply | undefined {
  const contentType = ctx.req.headers['content-type']
  if (contentType === undefined || DOWNLOAD_TYPES.includes(normalized(contentType)))
    return undefined
  return badContentType(ctx, contentType, DOWNLOAD_TYPES)
}

/**
 * The Dropbox-API-Arg header must be HTTP-header-safe JSON: 0x7F and every non-ASCII character
 * escaped as \uXXXX (developers/reference/json-encoding). Node hands raw bytes over as latin1,
 * so any char outside 0x20-0x7E (tab aside) means the client sent unescaped bytes.
 */
export function readHeaderArg(ctx: RouteContext): ArgResult {
  const raw = ctx.req.rawHeaders
  const values = raw.filter(
    (_, index) => index % 2 === 1 && raw[index - 1]?.toLowerCase() === 'dropbox-api-arg',
  )
  if (values.length === 0) {
    return {
      ok: false,
      reply: badInput(
        ctx.route,
        'Must provide HTTP header "Dropbox-API-Arg" or URL parameter "arg".',
      ),
    }
  }
  if (values.length > 1)
    return { ok: false, reply: badInput(ctx.route, `${HEADER_WHERE}: given more than once`) }
  const value = values[0] ?? ''
  const unsafe = [...value].find((char) => char !== '\t' && (char < ' ' || char > '~'))
  if (unsafe !== undefined) {
    const code = unsafe.charCodeAt(0).toString(16).padStart(2, '0')
    return {
      ok: false,
      reply: badInput(
        ctx.route,
        `${HEADER_WHERE}: byte 0x${code} is not allowed; escape non-ASCII characters as \\uXXXX`,
      ),
    }
  }
  return parseJson(ctx, value, HEADER_WHERE)
}
