import { readFile } from 'node:fs/promises'
import { Fields } from './arg-reader.ts'
import { authenticate } from './bearer-auth.ts'
import { READ_PATH } from './dropbox-path.ts'
import { publicMetadata } from './file-store.ts'
import { lookup, readPathArg } from './files-routes.ts'
import { headerSafeJson } from './header-safe.ts'
import { badInput, endpointError, type Reply } from './reply.ts'
import { checkDownloadContentType, HEADER_WHERE, readHeaderArg } from './request-args.ts'
import { readSmallBody } from './request-body.ts'
import type { RouteContext, RouteHandler } from './route-context.ts'
import { isReply, parseArg } from './route-args.ts'

/**
 * files/download, a content-download route: DownloadArg in Dropbox-API-Arg, nothing in the body;
 * the file's metadata comes back as header-safe JSON in Dropbox-API-Result and the bytes as the
 * body. A path with nothing there, or a folder, is a 409 DownloadError `path` (LookupError).
 * A Range header gets only those bytes (206, Content-Range), or 416 past the end.
 */
export const downloadRoute: RouteHandler = async (state, ctx) => {
  const badType = checkDownloadContentType(ctx)
  if (badType) return badType
  const denied = authenticate(state, ctx, 'files.content.read')
  if (denied) return denied
  const unread = await refuseBody(ctx)
  if (unread) return unread
  const arg = readHeaderArg(ctx)
  if (!arg.ok) return arg.reply
  const fields = parseArg(ctx, HEADER_WHERE, () => new Fields(arg.value, ['path', 'rev']))
  if (isReply(fields)) return fields
  const path = readPathArg(ctx, HEADER_WHERE, fields, 'path', READ_PATH)
  if (isReply(path)) return path
  // files.stone DownloadArg.rev: deprecated, String(min_length=9, pattern="[0-9a-f]+").
  const rev = parseArg(ctx, HEADER_WHERE, () =>
    fields.str('rev', { nullable: true, minLength: 9, pattern: /^[0-9a-f]+$/ }),
  )
  if (isReply(rev)) return rev

  const found = lookup(state, path)
  if (!('entry' in found)) return lookupError(found.error)
  if (found.entry['.tag'] !== 'file') return lookupError('not_file')
  // Only the current revision is kept: an older one is not there any more.
  if (rev !== undefined && rev !== found.entry.rev) return lookupError('not_found')
  const data = await readFile(found.entry.localPath)
  const headers = {
    'content-type': 'application/octet-stream',
    'dropbox-api-result': headerSafeJson(publicMetadata(found.entry)),
    'accept-ranges': 'bytes',
  }
  const range = rangeOf(ctx.req.headers.range, data.length)
  if (range === 'unsatisfiable')
    return { status: 416, headers: { 'content-range': `bytes */${data.length}` }, body: '' }
  if (range === 'malformed')
    return badInput(ctx.route, 'HTTP header "Range": expected one range, "bytes=<from>-[<to>]"')
  if (range === undefined) return { status: 200, headers, body: data }
  return {
    status: 206,
    headers: { ...headers, 'content-range': `bytes ${range.start}-${range.end}/${data.length}` },
    body: data.subarray(range.start, range.end + 1),
  }
}

/**
 * The byte range a Range header asks for (RFC 9110 §14.1.2: "bytes=a-b", "bytes=a-", or the
 * last n as "bytes=-n"), which files/download honours ("Content-download endpoints" support
 * HTTP range requests). Several ranges in one request are refused rather than answered with a
 * multipart body this emulator does not make.
 */
function rangeOf(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | 'malformed' | undefined {
  if (header === undefined) return undefined
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!match || (match[1] === '' && match[2] === '')) return 'malformed'
  const [from, to] = [match[1]!, match[2]!]
  const start = from === '' ? Math.max(0, size - Number(to)) : Number(from)
  const end = from === '' || to === '' ? size - 1 : Math.min(Number(to), size - 1)
  if (start >= size || start > end) return 'unsatisfiable'
  return { start, end }
}

function lookupError(tag: string): Reply {
  return endpointError({ '.tag': 'path', path: { '.tag': tag } })
}

/** The request body must be empty: the arguments travel in the header. */
async function refuseBody(ctx: RouteContext): Promise<Reply | undefined> {
  const body = await readSmallBody(ctx, 0)
  if (body === undefined)
    return badInput(ctx.route, 'request body: expected empty, as the arguments go in the header')
  return undefined
}
