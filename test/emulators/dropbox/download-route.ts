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
 */
export const downloadRoute: RouteHandler = async (state, ctx) => {
  const badType = checkDownloadContentType(ctx)
  if (badType) return badType
  const denied = authenticate(state, ctx, 'files.content.read')
  if (denied) return denied
  const unread = await refuseBodyAndRange(ctx)
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
  return {
    status: 200,
    headers: {
      'content-type': 'application/octet-stream',
      'dropbox-api-result': headerSafeJson(publicMetadata(found.entry)),
    },
    body: await readFile(found.entry.localPath),
  }
}

function lookupError(tag: string): Reply {
  return endpointError({ '.tag': 'path', path: { '.tag': tag } })
}

/**
 * The request body must be empty: the arguments travel in the header. Range requests exist at
 * Dropbox but are not emulated, so one is refused rather than answered with the whole file.
 */
async function refuseBodyAndRange(ctx: RouteContext): Promise<Reply | undefined> {
  const body = await readSmallBody(ctx, 0)
  if (body === undefined)
    return badInput(ctx.route, 'request body: expected empty, as the arguments go in the header')
  if (ctx.req.headers.range !== undefined)
    return badInput(ctx.route, 'HTTP header "Range": range requests are not emulated')
  return undefined
}
